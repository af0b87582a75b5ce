package io.gpufleet.api.comfy;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.persistence.servers.Server;
import java.util.List;
import java.util.Set;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the fleet offers, in ComfyUI's shapes: {@code /object_info} (the healthy servers' union),
 * {@code /models} and {@code /embeddings} (their files together), {@code /system_stats} (the
 * platform as one system whose devices are the servers' GPUs) and {@code /features}.
 */
@RestController
class ComfyDiscoveryController {

  /** The ComfyUI whose API this endpoint speaks (the protocol reference's baseline). */
  static final String COMFYUI_VERSION = "0.3.64";

  private static final long MIB = 1024L * 1024;

  private final FleetObjectInfo fleet;
  private final Environment environment;

  ComfyDiscoveryController(FleetObjectInfo fleet, Environment environment) {
    this.fleet = fleet;
    this.environment = environment;
  }

  @GetMapping({"/comfy/object_info", "/comfy/api/object_info"})
  ObjectNode objectInfo() {
    return fleet.current().objectInfo();
  }

  /** {@code {}} when no healthy server has the class, as ComfyUI answers for an unknown one. */
  @GetMapping({"/comfy/object_info/{nodeClass}", "/comfy/api/object_info/{nodeClass}"})
  ObjectNode objectInfo(@PathVariable String nodeClass) {
    ObjectNode out = ComfyPrompts.JSON.createObjectNode();
    JsonNode info = fleet.current().objectInfo().get(nodeClass);
    if (info != null) {
      out.set(nodeClass, info);
    }
    return out;
  }

  @GetMapping({"/comfy/models", "/comfy/api/models"})
  List<String> modelFolders() {
    return List.copyOf(new java.util.TreeSet<>(fleet.current().models().keySet()));
  }

  @GetMapping({"/comfy/models/{folder}", "/comfy/api/models/{folder}"})
  List<String> models(@PathVariable String folder) {
    Set<String> files = fleet.current().models().get(folder);
    if (files == null) {
      throw ApiException.notFound(ErrorCodes.NOT_FOUND, "No model folder " + folder);
    }
    return files.stream().sorted().toList();
  }

  /** Embedding names without their extension, as ComfyUI lists them. */
  @GetMapping({"/comfy/embeddings", "/comfy/api/embeddings"})
  List<String> embeddings() {
    return fleet.current().models().getOrDefault("embeddings", Set.of()).stream()
        .map(f -> f.contains(".") ? f.substring(0, f.lastIndexOf('.')) : f)
        .sorted()
        .toList();
  }

  @GetMapping({"/comfy/features", "/comfy/api/features"})
  ObjectNode features() {
    return features(environment);
  }

  /** What {@code /features} answers and the socket's feature_flags reply carries. */
  static ObjectNode features(Environment environment) {
    DataSize max =
        environment.getProperty(
            "spring.servlet.multipart.max-file-size", DataSize.class, DataSize.ofMegabytes(1));
    ObjectNode flags = ComfyPrompts.JSON.createObjectNode();
    flags.put("supports_preview_metadata", true);
    flags.put("max_upload_size", (double) max.toBytes());
    return flags;
  }

  @GetMapping({"/comfy/system_stats", "/comfy/api/system_stats"})
  ObjectNode systemStats() {
    Runtime runtime = Runtime.getRuntime();
    ObjectNode out = ComfyPrompts.JSON.createObjectNode();
    ObjectNode system = out.putObject("system");
    system.put("os", "posix");
    system.put("ram_total", runtime.maxMemory());
    system.put("ram_free", runtime.maxMemory() - runtime.totalMemory() + runtime.freeMemory());
    system.put("comfyui_version", COMFYUI_VERSION);
    system.put("required_frontend_version", "");
    system.put("python_version", "");
    system.put("pytorch_version", "");
    system.put("embedded_python", false);
    system.putArray("argv").add("gpufleet");
    ArrayNode devices = out.putArray("devices");
    int index = 0;
    for (Server s : fleet.healthy()) {
      long total = s.getLease().vramMb() == null ? 0 : s.getLease().vramMb() * MIB;
      long free = s.getHealth().vramFreeMb() == null ? total : s.getHealth().vramFreeMb() * MIB;
      devices
          .addObject()
          .put(
              "name",
              s.getName()
                  + ": "
                  + (s.getLease().gpuName() == null ? "GPU" : s.getLease().gpuName()))
          .put("type", "cuda")
          .put("index", index++)
          .put("vram_total", total)
          .put("vram_free", free)
          .put("torch_vram_total", total)
          .put("torch_vram_free", free);
    }
    return out;
  }
}
