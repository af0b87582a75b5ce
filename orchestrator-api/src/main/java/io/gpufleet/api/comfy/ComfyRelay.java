package io.gpufleet.api.comfy;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationPreviews;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the generation events every replica hears into ComfyUI's socket messages for this replica's
 * {@code /comfy/ws} sockets, in ComfyUI's order (§8.5 of the reference): {@code status} to all the
 * owner's sockets whenever their queue changes; {@code execution_start}, {@code execution_cached},
 * {@code executing}, {@code executed}, {@code execution_success} or {@code execution_error}, and
 * the final {@code executing} with {@code node: null} to the sockets registered under the prompt's
 * client id; {@code progress}, previews and {@code execution_interrupted} there too, or to all the
 * owner's sockets when the prompt named no client (ComfyUI broadcasts those). One thread does it
 * all, so a socket hears a prompt's messages in the order its events came.
 */
@Component
class ComfyRelay {

  private static final Logger log = LoggerFactory.getLogger(ComfyRelay.class);
  private static final int PROMPTS_REMEMBERED = 10_000;

  private final ComfyPrompts prompts;
  private final GenerationRepository generations;
  private final GenerationPreviews previews;
  private final Clock clock;
  private final Runnable unsubscribe;
  private final Map<UUID, Set<ComfySocket>> sockets = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "comfy-relay");
            t.setDaemon(true);
            return t;
          });

  /** Which generations are ComfyUI prompts (and whose, and for which client): read once each. */
  private final Map<UUID, Optional<ComfyPrompts.Prompt>> known =
      Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(
                Map.Entry<UUID, Optional<ComfyPrompts.Prompt>> eldest) {
              return size() > PROMPTS_REMEMBERED;
            }
          });

  ComfyRelay(
      GenerationEventBus bus,
      ComfyPrompts prompts,
      GenerationRepository generations,
      GenerationPreviews previews,
      Clock clock) {
    this.prompts = prompts;
    this.generations = generations;
    this.previews = previews;
    this.clock = clock;
    this.unsubscribe =
        bus.subscribeAll(
            event -> {
              if (!sockets.isEmpty() && event.type().startsWith("generation.")) {
                worker.execute(() -> guarded(event));
              }
            });
  }

  void add(ComfySocket socket) {
    sockets.computeIfAbsent(socket.user().id(), u -> new CopyOnWriteArraySet<>()).add(socket);
  }

  void remove(ComfySocket socket) {
    sockets.computeIfPresent(
        socket.user().id(),
        (u, set) -> {
          set.remove(socket);
          return set.isEmpty() ? null : set;
        });
  }

  /** The caller's queue as ComfyUI's status message carries it. */
  ObjectNode status(UUID user) {
    ObjectNode data = ComfyPrompts.JSON.createObjectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", prompts.remaining(user));
    return data;
  }

  private void guarded(GenerationEvent event) {
    try {
      handle(event);
    } catch (RuntimeException e) {
      log.warn("Relaying {} of {} failed: {}", event.type(), event.generationId(), e.toString());
    }
  }

  private void handle(GenerationEvent event) {
    UUID id = event.generationId();
    ComfyPrompts.Prompt prompt = prompt(id);
    if (prompt == null) {
      return;
    }
    Set<ComfySocket> all = sockets.getOrDefault(prompt.userId(), Set.of());
    if (all.isEmpty()) {
      return;
    }
    List<ComfySocket> owners =
        prompt.clientId() == null
            ? List.of()
            : all.stream().filter(s -> s.clientId().equals(prompt.clientId())).toList();
    // what ComfyUI broadcasts when a prompt names no client
    List<ComfySocket> loud = prompt.clientId() == null ? List.copyOf(all) : owners;
    switch (event.type()) {
      case "generation.queued":
        broadcastStatus(prompt.userId(), all);
        break;
      case "generation.started":
        // on its way to a server; execution_start waits for the server to begin it
        broadcastStatus(prompt.userId(), all);
        break;
      case "generation.progress":
        progress(id, event.data(), owners, loud);
        break;
      case "generation.preview":
        preview(id, loud);
        break;
      case "generation.completed":
      case "generation.failed":
      case "generation.cancelled":
        ended(id, event.type(), prompt, owners, loud, all);
        break;
      default:
        break;
    }
  }

  private void started(ComfySocket s, UUID id) {
    ComfySocket.Told told = s.told(id);
    if (told.started) {
      return;
    }
    told.started = true;
    ObjectNode start = ComfyPrompts.JSON.createObjectNode();
    start.put("prompt_id", id.toString()).put("timestamp", clock.millis());
    s.send("execution_start", start);
    ObjectNode cached = ComfyPrompts.JSON.createObjectNode();
    cached.putArray("nodes");
    cached.put("prompt_id", id.toString()).put("timestamp", clock.millis());
    s.send("execution_cached", cached);
  }

  private void progress(
      UUID id, Map<String, Object> data, List<ComfySocket> owners, List<ComfySocket> loud) {
    String node =
        data.get("node") instanceof Map ? (String) ((Map<?, ?>) data.get("node")).get("id") : null;
    for (ComfySocket s : owners) {
      started(s, id);
      ComfySocket.Told told = s.told(id);
      if (node != null && !node.equals(told.node)) {
        if (told.node != null && !told.executed.contains(told.node)) {
          told.executed.add(told.node);
        }
        told.node = node;
        ObjectNode executing = ComfyPrompts.JSON.createObjectNode();
        executing.put("node", node).put("display_node", node).put("prompt_id", id.toString());
        s.send("executing", executing);
      }
    }
    if (data.get("step") instanceof Number && data.get("maxSteps") instanceof Number) {
      ObjectNode progress = ComfyPrompts.JSON.createObjectNode();
      progress.put("value", ((Number) data.get("step")).intValue());
      progress.put("max", ((Number) data.get("maxSteps")).intValue());
      progress.put("prompt_id", id.toString());
      progress.put("node", node);
      loud.forEach(s -> s.send("progress", progress));
    }
  }

  private void preview(UUID id, List<ComfySocket> loud) {
    if (loud.isEmpty()) {
      return;
    }
    previews
        .find(id)
        .ifPresent(
            p -> loud.forEach(s -> s.sendPreview(p.mediaType(), p.image(), id, s.told(id).node)));
  }

  private void ended(
      UUID id,
      String type,
      ComfyPrompts.Prompt prompt,
      List<ComfySocket> owners,
      List<ComfySocket> loud,
      Set<ComfySocket> all) {
    Generation g = generations.findById(id).orElse(null);
    if (g == null) {
      return;
    }
    // begun on its server (cancelling keeps the progress it had)
    boolean ran =
        g.getProgress().nodeId() != null
            || g.getProgress().executedNodes() > 0
            || !type.equals("generation.cancelled");
    if (type.equals("generation.completed")) {
      for (ComfySocket s : owners) {
        started(s, id);
        ComfyViews.outputsByNode(prompt, g)
            .forEach(
                (node, ui) -> {
                  ObjectNode executed = ComfyPrompts.JSON.createObjectNode();
                  executed.put("node", node).put("display_node", node);
                  executed.set("output", ui);
                  executed.put("prompt_id", id.toString());
                  s.send("executed", executed);
                });
        s.send("execution_success", ComfyViews.stamped(g, g.getTimings().finishedAt()));
      }
    } else if (type.equals("generation.failed")) {
      for (ComfySocket s : owners) {
        started(s, id);
        ObjectNode error = ComfyViews.executionError(g);
        error.set("executed", ComfyPrompts.JSON.valueToTree(s.told(id).executed));
        s.send("execution_error", error);
      }
    } else if (ran) {
      for (ComfySocket s : loud) {
        ComfySocket.Told told = s.told(id);
        s.send("execution_interrupted", ComfyViews.interrupted(g, told.node, told.executed));
      }
    }
    broadcastStatus(prompt.userId(), all);
    if (ran) {
      ObjectNode done = ComfyPrompts.JSON.createObjectNode();
      done.putNull("node").put("prompt_id", id.toString());
      owners.forEach(s -> s.send("executing", done));
    }
    all.forEach(s -> s.forget(id));
  }

  private void broadcastStatus(UUID user, Set<ComfySocket> all) {
    ObjectNode status = status(user);
    all.forEach(s -> s.send("status", status));
  }

  private ComfyPrompts.@Nullable Prompt prompt(UUID generation) {
    Optional<ComfyPrompts.Prompt> cached = known.get(generation);
    if (cached == null) {
      cached = prompts.find(generation);
      known.put(generation, cached);
    }
    return cached.orElse(null);
  }

  @PreDestroy
  void stop() {
    unsubscribe.run();
    worker.shutdownNow();
  }
}
