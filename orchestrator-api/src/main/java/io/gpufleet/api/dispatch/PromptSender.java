package io.gpufleet.api.dispatch;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.results.ResultStore;
import io.gpufleet.api.uploads.UploadReferences;
import io.gpufleet.api.uploads.UploadStore;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.NodeError;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.health.HealthProber;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Posts a committed attempt's prompt to its server: opens the server's socket first (so no event is
 * missed), puts the graph's uploads there, and takes the prompt back if the generation was
 * cancelled meanwhile. A refused prompt fails the generation; a server that does not answer counts
 * against its breaker and sends the generation back to the queue while attempts remain.
 */
@Component
class PromptSender {

  private static final Logger log = LoggerFactory.getLogger(PromptSender.class);

  private final ServerRepository servers;
  private final ComfyClients clients;
  private final ComfySessions sessions;
  private final UploadStore uploads;
  private final GenerationTransitions transitions;
  private final HealthProber health;
  private final GenerationEventBus bus;
  private final Replica replica;

  PromptSender(
      ServerRepository servers,
      ComfyClients clients,
      ComfySessions sessions,
      UploadStore uploads,
      GenerationTransitions transitions,
      HealthProber health,
      GenerationEventBus bus,
      Replica replica) {
    this.servers = servers;
    this.clients = clients;
    this.sessions = sessions;
    this.uploads = uploads;
    this.transitions = transitions;
    this.health = health;
    this.bus = bus;
    this.replica = replica;
  }

  /** The prompt's server's queue of posts: each waits for the one before it there. */
  private final Map<UUID, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

  private final ExecutorService posters =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "prompt-sender");
            t.setDaemon(true);
            return t;
          });

  /**
   * Posts the prompt off the dispatcher's thread, after the prompts planned for the same server
   * before it (so that each server gets them in order). A server that does not answer holds only
   * its own posts, each for at most the ComfyUI read timeout.
   */
  void sendLater(Dispatcher.Planned p) {
    CompletableFuture<Void> queued =
        tails.compute(
            p.server(),
            (server, tail) ->
                (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail)
                    .thenRunAsync(() -> sendGuarded(p), posters));
    queued.whenComplete((ignored, failure) -> tails.remove(p.server(), queued));
  }

  private void sendGuarded(Dispatcher.Planned p) {
    try {
      send(p);
    } catch (RuntimeException e) {
      // not the server's answer (the database, a refused URL): left alone, the attempt would stay
      // RUNNING and unposted under this replica for good, so it goes back to the queue
      log.warn(
          "Posting generation {} to server {} failed: {}",
          p.generation(),
          p.server(),
          e.toString());
      try {
        transitions
            .failed(
                p.generation(),
                p.prompt(),
                new Generation.Failure(null, null, "SubmitFailed", String.valueOf(e.getMessage())),
                true,
                p.server(),
                null)
            .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
      } catch (RuntimeException again) {
        log.warn("Could not requeue generation {}: {}", p.generation(), again.toString());
      }
    }
  }

  @PreDestroy
  void stop() {
    posters.shutdownNow();
  }

  void send(Dispatcher.Planned p) {
    Server server =
        p.serverRead() != null ? p.serverRead() : servers.findById(p.server()).orElse(null);
    if (server == null) {
      return;
    }
    try {
      sessions.ensure(server);
      ComfyClient client = clients.forServer(server);
      Workflow graph = withUploads(client, p.graph());
      if (graph == null) {
        transitions
            .failed(
                p.generation(),
                p.prompt(),
                new Generation.Failure(
                    null, null, "UploadMissing", "An input upload has expired or was deleted"),
                false,
                null,
                null)
            .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
        return;
      }
      client.submit(graph, p.prompt(), replica.id());
      transitions.activity(server.getId()); // after the post: nothing the server waits for
      if (!transitions.submitted(p.generation(), p.prompt())) {
        // cancelled (or taken back) between our commit and the post: nothing may run for it
        withdraw(client, p.prompt());
      }
    } catch (ComfyException.PromptRejected e) {
      NodeError first = e.nodeErrors().values().stream().findFirst().orElse(null);
      String message =
          first == null || first.errors().isEmpty()
              ? e.getMessage()
              : first.errors().get(0).message() + ": " + first.errors().get(0).details();
      transitions
          .failed(
              p.generation(),
              p.prompt(),
              new Generation.Failure(
                  first == null ? null : first.nodeId(),
                  first == null ? null : first.classType(),
                  e.type() == null ? "PromptRejected" : e.type(),
                  message),
              false,
              null,
              null)
          .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
    } catch (ComfyException e) {
      health.recordFailure(server.getId(), e);
      transitions
          .failed(
              p.generation(),
              p.prompt(),
              new Generation.Failure(null, null, "SubmitFailed", e.getMessage()),
              e.retryable(),
              server.getId(),
              null)
          .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
    }
  }

  private static void withdraw(ComfyClient client, UUID prompt) {
    try {
      client.deleteFromQueue(List.of(prompt.toString()));
      client.interrupt(prompt.toString());
    } catch (ComfyException e) {
      log.debug("Could not withdraw prompt {}: {}", prompt, e.toString());
    }
  }

  /**
   * Puts the graph's uploads on the chosen server and points their inputs at the stored names; null
   * when one of them is gone.
   */
  private @Nullable Workflow withUploads(ComfyClient client, Workflow graph) {
    Workflow result = graph;
    for (Map.Entry<String, UUID> ref : UploadReferences.in(graph).entrySet()) {
      Path file = uploads.path(ref.getValue());
      var meta = uploads.find(ref.getValue());
      if (meta.isEmpty() || !Files.exists(file)) {
        return null;
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        return null;
      }
      String name =
          "gpufleet-" + ref.getValue() + "." + ResultStore.extension(meta.get().contentType());
      String stored = client.uploadImage(name, bytes, "", true).reference();
      result = result.with(ref.getKey(), stored, null);
    }
    return result;
  }
}
