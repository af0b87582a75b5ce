package io.gpufleet.api.servers;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.QueueState;
import io.gpufleet.comfy.SystemStats;
import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operations on a running server's ComfyUI: its options, queue, system stats, interrupt, free. */
@RestController
@RequestMapping("/api/v1/servers/{id}")
@PreAuthorize("hasRole('ADMIN')")
class ServerOpsController {

  private final ServerRepository servers;
  private final ComfyClients clients;

  ServerOpsController(ServerRepository servers, ComfyClients clients) {
    this.servers = servers;
    this.clients = clients;
  }

  /** What generations may choose on this server, read from its ComfyUI. */
  @GetMapping("/options")
  Options options(@PathVariable UUID id) {
    ComfyClient comfy = comfy(id);
    return new Options(
        combo(comfy, "KSampler", "sampler_name"),
        combo(comfy, "KSampler", "scheduler"),
        comfy.models("checkpoints"),
        comfy.models("loras"),
        comfy.models("vae"));
  }

  @GetMapping("/queue")
  QueueState queue(@PathVariable UUID id) {
    return comfy(id).queue();
  }

  @GetMapping("/system-stats")
  SystemStats systemStats(@PathVariable UUID id) {
    return comfy(id).systemStats();
  }

  /** Interrupts the running prompt, or only the given one. */
  @PostMapping("/interrupt")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void interrupt(@PathVariable UUID id, @RequestBody(required = false) @Nullable Interrupt body) {
    if (body != null && body.promptId() != null) {
      comfy(id).interrupt(body.promptId());
    } else {
      comfy(id).interruptAll();
    }
  }

  /** Unloads models and frees memory on the server's GPU. */
  @PostMapping("/free")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void free(@PathVariable UUID id, @RequestBody(required = false) @Nullable Free body) {
    boolean unload = body == null || body.unloadModels() == null || body.unloadModels();
    boolean memory = body == null || body.freeMemory() == null || body.freeMemory();
    comfy(id).free(unload, memory);
  }

  private ComfyClient comfy(UUID id) {
    Server server = servers.findById(id).orElseThrow(() -> new ServerNotFoundException(id));
    if (server.getStatus() != ServerStatus.RUNNING || server.getAddresses().comfyUrl() == null) {
      throw ApiException.conflict(
          ServerProblems.SERVER_NOT_RUNNING,
          "Server "
              + server.getName()
              + " is "
              + server.getStatus()
              + "; its ComfyUI is not reachable");
    }
    return clients.forServer(server);
  }

  private static List<String> combo(ComfyClient comfy, String nodeClass, String input) {
    return comfy
        .objectInfo(nodeClass)
        .flatMap(definition -> definition.input(input))
        .map(InputSpec::options)
        .orElse(List.of());
  }

  record Options(
      List<String> samplers,
      List<String> schedulers,
      List<String> checkpoints,
      List<String> loras,
      List<String> vaes) {}

  record Interrupt(@Nullable String promptId) {}

  record Free(@Nullable Boolean unloadModels, @Nullable Boolean freeMemory) {}
}
