package io.gpufleet.simulator.comfy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a simulated ComfyUI looks: where it listens, what GPU it reports, how fast it samples and
 * which model files it has. {@code port} 0 picks a free port; {@code dataDir} null uses a fresh
 * temporary directory (output/, input/, temp/).
 */
public record ComfySimulatorConfig(
    String host,
    int port,
    String gpuName,
    long vramTotalBytes,
    double stepsPerSecond,
    Map<String, List<ModelFile>> models,
    @Nullable Path dataDir,
    boolean previews,
    String comfyuiVersion) {

  /** A model file the simulator pretends to have. */
  public record ModelFile(String name, long sizeBytes) {}

  public ComfySimulatorConfig {
    Objects.requireNonNull(host);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (!(stepsPerSecond > 0)) {
      throw new IllegalArgumentException("stepsPerSecond must be positive");
    }
    Map<String, List<ModelFile>> copy = new LinkedHashMap<>();
    models.forEach((folder, files) -> copy.put(folder, List.copyOf(files)));
    models = Map.copyOf(copy);
  }

  private static final long GIB = 1024L * 1024 * 1024;

  /** The checkpoints of a stock install that followed ComfyUI's README: SD 1.5, both files. */
  public static final List<ModelFile> STOCK_CHECKPOINTS =
      List.of(
          new ModelFile("v1-5-pruned-emaonly-fp16.safetensors", 2_132_696_762L),
          new ModelFile("v1-5-pruned-emaonly.safetensors", 4_265_146_304L));

  /**
   * A 24 GB RTX 4090 at 20 steps/s with SD 1.5 (both files), SDXL base/refiner, the SDXL VAE, two
   * LoRAs and a 4x upscale model.
   */
  public static ComfySimulatorConfig defaults() {
    return new ComfySimulatorConfig(
        "127.0.0.1",
        0,
        "cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync",
        24 * GIB,
        20.0,
        Map.of(
            "checkpoints",
            List.of(
                STOCK_CHECKPOINTS.get(0),
                STOCK_CHECKPOINTS.get(1),
                new ModelFile("sd_xl_base_1.0.safetensors", 6_938_078_334L),
                new ModelFile("sd_xl_refiner_1.0.safetensors", 6_075_981_930L)),
            "vae",
            List.of(new ModelFile("sdxl_vae.safetensors", 334_641_164L)),
            "loras",
            List.of(
                new ModelFile("sd_xl_offset_example-lora_1.0.safetensors", 49_553_604L),
                new ModelFile("add-detail-xl.safetensors", 228_454_200L)),
            "embeddings",
            List.of(new ModelFile("easynegative.safetensors", 24_655L)),
            "upscale_models",
            List.of(new ModelFile("RealESRGAN_x4plus.pth", 67_040_989L))),
        null,
        true,
        "0.3.64");
  }

  public ComfySimulatorConfig withPort(int newPort) {
    return new ComfySimulatorConfig(
        host,
        newPort,
        gpuName,
        vramTotalBytes,
        stepsPerSecond,
        models,
        dataDir,
        previews,
        comfyuiVersion);
  }

  public ComfySimulatorConfig withGpu(String name, long vramBytes) {
    return new ComfySimulatorConfig(
        host, port, name, vramBytes, stepsPerSecond, models, dataDir, previews, comfyuiVersion);
  }

  public ComfySimulatorConfig withStepsPerSecond(double speed) {
    return new ComfySimulatorConfig(
        host, port, gpuName, vramTotalBytes, speed, models, dataDir, previews, comfyuiVersion);
  }

  public ComfySimulatorConfig withModels(Map<String, List<ModelFile>> newModels) {
    return new ComfySimulatorConfig(
        host,
        port,
        gpuName,
        vramTotalBytes,
        stepsPerSecond,
        newModels,
        dataDir,
        previews,
        comfyuiVersion);
  }

  /** The same models, but exactly these checkpoint files (sizes of known ones kept). */
  public ComfySimulatorConfig withCheckpoints(List<String> names) {
    Map<String, Long> known = new LinkedHashMap<>();
    models.values().forEach(files -> files.forEach(f -> known.put(f.name(), f.sizeBytes())));
    STOCK_CHECKPOINTS.forEach(f -> known.put(f.name(), f.sizeBytes()));
    Map<String, List<ModelFile>> copy = new LinkedHashMap<>(models);
    copy.put(
        "checkpoints",
        names.stream().map(n -> new ModelFile(n, known.getOrDefault(n, 2_132_696_762L))).toList());
    return withModels(copy);
  }

  public ComfySimulatorConfig withDataDir(Path dir) {
    return new ComfySimulatorConfig(
        host, port, gpuName, vramTotalBytes, stepsPerSecond, models, dir, previews, comfyuiVersion);
  }

  public ComfySimulatorConfig withPreviews(boolean on) {
    return new ComfySimulatorConfig(
        host, port, gpuName, vramTotalBytes, stepsPerSecond, models, dataDir, on, comfyuiVersion);
  }
}
