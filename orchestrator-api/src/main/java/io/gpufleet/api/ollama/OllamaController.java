package io.gpufleet.api.ollama;

import io.gpufleet.api.ollama.OllamaViews.ModelRequest;
import io.gpufleet.api.ollama.OllamaViews.ModelView;
import io.gpufleet.api.ollama.OllamaViews.PullError;
import io.gpufleet.api.ollama.OllamaViews.PullProgressView;
import io.gpufleet.api.providers.OllamaManagement;
import io.gpufleet.api.providers.ProviderErrors;
import io.gpufleet.api.providers.ProviderProblem;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.UrlNotAllowed;
import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import jakarta.annotation.PreDestroy;
import jakarta.validation.Valid;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * An Ollama server's models, for admins: list what the last probe saw, probe now, load and unload a
 * model ({@code keep_alive}), and pull one with its progress streamed over SSE.
 */
@RestController
@RequestMapping("/api/v1/servers/{id}/ollama")
@PreAuthorize("hasRole('ADMIN')")
class OllamaController {

  static final String SERVER_NOT_OLLAMA = "SERVER_NOT_OLLAMA";
  static final String SERVER_NOT_RUNNING = "SERVER_NOT_RUNNING"; // the code servers answer too

  private static final Logger log = LoggerFactory.getLogger(OllamaController.class);
  private static final String DEFAULT_KEEP_ALIVE = "30m";
  private static final Duration PULL_LIMIT = Duration.ofHours(2);

  private final ServerRepository servers;
  private final OllamaModels models;
  private final OllamaProber prober;
  private final AtomicInteger pullThreads = new AtomicInteger();
  // a pull takes minutes; it must hold no request thread
  private final ExecutorService pulls =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "ollama-pull-" + pullThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  OllamaController(ServerRepository servers, OllamaModels models, OllamaProber prober) {
    this.servers = servers;
    this.models = models;
    this.prober = prober;
  }

  @GetMapping("/models")
  List<ModelView> models(@PathVariable UUID id) {
    ollamaServer(id);
    return views(id);
  }

  @PostMapping("/probe")
  List<ModelView> probe(@PathVariable UUID id) {
    Server server = running(id);
    try {
      return prober.probe(server).stream().map(ModelView::of).toList();
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, ProviderKind.OLLAMA, null);
    }
  }

  @PostMapping("/models/load")
  List<ModelView> load(@PathVariable UUID id, @Valid @RequestBody ModelRequest request) {
    return keepAlive(
        id,
        request.model(),
        request.keepAlive() == null ? DEFAULT_KEEP_ALIVE : request.keepAlive());
  }

  @PostMapping("/models/unload")
  List<ModelView> unload(@PathVariable UUID id, @Valid @RequestBody ModelRequest request) {
    return keepAlive(id, request.model(), "0");
  }

  private List<ModelView> keepAlive(UUID id, String model, String keepAlive) {
    Server server = running(id);
    try {
      prober.client(server).keepAlive(model, keepAlive);
      return prober.probe(server).stream().map(ModelView::of).toList();
    } catch (RuntimeException e) {
      throw ProviderErrors.translate(e, ProviderKind.OLLAMA, null);
    }
  }

  /**
   * Streams the pull: {@code progress} events (status, completed, total) as Ollama sends them, then
   * {@code done} with the server's models, or {@code error} (code, detail) when the pull failed.
   */
  @PostMapping(value = "/pull", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter pull(@PathVariable UUID id, @Valid @RequestBody ModelRequest request) {
    Server server = running(id);
    SseEmitter emitter = new SseEmitter(PULL_LIMIT.toMillis());
    pulls.execute(() -> pull(server, request.model(), emitter));
    return emitter;
  }

  private void pull(Server server, String model, SseEmitter emitter) {
    try {
      OllamaManagement ollama = prober.client(server);
      ollama.pull(
          model,
          p ->
              send(
                  emitter, "progress", new PullProgressView(p.status(), p.completed(), p.total())));
      send(emitter, "done", prober.probe(server).stream().map(ModelView::of).toList());
      emitter.complete();
    } catch (OllamaManagement.PullFailed e) {
      log.info("Pull of {} on {} failed: {}", model, server.getName(), e.getMessage());
      sendError(emitter, new PullError("PULL_FAILED", e.getMessage()));
    } catch (ClientGone e) {
      log.debug("The client of the pull of {} on {} left", model, server.getName());
    } catch (RuntimeException e) {
      ProviderProblem problem = ProviderErrors.translate(e, ProviderKind.OLLAMA, null);
      log.info("Pull of {} on {} failed: {}", model, server.getName(), problem.getMessage());
      sendError(emitter, new PullError(problem.code(), problem.getMessage()));
    }
  }

  private static void sendError(SseEmitter emitter, PullError error) {
    try {
      send(emitter, "error", error);
      emitter.complete();
    } catch (ClientGone e) {
      // nobody to tell
    }
  }

  /** The listener of a stream went away: the pull goes on in Ollama, we stop reporting it. */
  private static final class ClientGone extends RuntimeException {
    ClientGone(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private static void send(SseEmitter emitter, String name, Object data) {
    try {
      emitter.send(SseEmitter.event().name(name).data(data, MediaType.APPLICATION_JSON));
    } catch (IOException e) {
      throw new ClientGone(e);
    } catch (IllegalStateException e) {
      // completed already (a timeout): nothing more can be sent
      throw new ClientGone(new IOException(e.getMessage(), e));
    }
  }

  private List<ModelView> views(UUID id) {
    return models.of(id).stream().map(ModelView::of).toList();
  }

  private Server ollamaServer(UUID id) {
    Server server = servers.findById(id).orElseThrow(() -> new ServerNotFoundException(id));
    if (server.getEngine() != ServerEngine.OLLAMA) {
      throw ApiException.conflict(
          SERVER_NOT_OLLAMA, "Server " + server.getName() + " runs ComfyUI, not Ollama");
    }
    return server;
  }

  private Server running(UUID id) {
    Server server = ollamaServer(id);
    if (server.getStatus() != ServerStatus.RUNNING || server.getAddresses().ollamaUrl() == null) {
      throw ApiException.conflict(
          SERVER_NOT_RUNNING, "Server " + server.getName() + " is " + server.getStatus());
    }
    try {
      prober.client(server);
    } catch (UrlNotAllowedException e) {
      throw UrlNotAllowed.problem(e, "ollamaUrl");
    }
    return server;
  }

  @PreDestroy
  void stop() {
    pulls.shutdownNow();
  }
}
