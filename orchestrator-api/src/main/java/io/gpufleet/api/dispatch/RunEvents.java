package io.gpufleet.api.dispatch;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationPreviews;
import io.gpufleet.api.generations.GenerationProperties;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Turns a server's socket events into progress (written at most every {@code progressWriteInterval}
 * per generation) and hands ends of runs to {@link RunOutcomes}.
 */
@Component
class RunEvents {

  private final GenerationRepository generations;
  private final GenerationTransitions transitions;
  private final RunOutcomes outcomes;
  private final GenerationEventBus bus;
  private final Duration writeInterval;
  private final Duration previewInterval;
  private final GenerationPreviews previews;
  private final Clock clock;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();

  RunEvents(
      GenerationRepository generations,
      GenerationTransitions transitions,
      @Lazy RunOutcomes outcomes,
      GenerationEventBus bus,
      GenerationProperties settings,
      GenerationPreviews previews,
      Clock clock) {
    this.generations = generations;
    this.transitions = transitions;
    this.outcomes = outcomes;
    this.bus = bus;
    this.writeInterval = settings.progressWriteInterval();
    this.previewInterval = settings.previewInterval();
    this.previews = previews;
    this.clock = clock;
  }

  /** What this replica knows of one running prompt. */
  private static final class Run {
    final UUID generation;
    final UUID prompt;
    final @Nullable UUID server;
    final Workflow graph;
    final int totalNodes;
    final Set<String> executed = new HashSet<>();
    @Nullable String node;
    @Nullable Integer step;
    @Nullable Integer maxSteps;
    Instant lastWrite = Instant.EPOCH;
    Instant lastPublish = Instant.EPOCH;
    Instant lastPreview = Instant.EPOCH;

    Run(UUID generation, UUID prompt, @Nullable UUID server, Workflow graph) {
      this.generation = generation;
      this.prompt = prompt;
      this.server = server;
      this.graph = graph;
      this.totalNodes = Math.max(1, graph.executionOrder(null).size());
    }

    Generation.Progress progress() {
      double done = executed.size();
      if (node != null && step != null && maxSteps != null && maxSteps > 0) {
        done += (double) step / maxSteps;
      }
      int percent = (int) Math.min(99, Math.floor(done * 100 / totalNodes));
      Node current = node == null ? null : graph.nodes().get(node);
      return new Generation.Progress(
          percent,
          node,
          current == null ? null : current.classType(),
          current == null ? null : current.title(),
          Math.min(executed.size(), totalNodes),
          totalNodes,
          step,
          maxSteps);
    }
  }

  void on(UUID serverId, ComfyEvent event) {
    if (event instanceof ComfyEvent.ExecutionStart) {
      Run run = run(((ComfyEvent.ExecutionStart) event).promptId());
      if (run != null) {
        transitions.started(run.generation, run.prompt);
      }
    } else if (event instanceof ComfyEvent.Executing) {
      ComfyEvent.Executing e = (ComfyEvent.Executing) event;
      Run run = run(e.promptId());
      if (run == null) {
        return;
      }
      if (e.done()) {
        forget(run);
        outcomes.settleLater(run.generation);
        return;
      }
      if (run.node != null) {
        run.executed.add(run.node);
      }
      run.node = e.node();
      run.step = null;
      run.maxSteps = null;
      write(run, true);
    } else if (event instanceof ComfyEvent.ExecutionCached) {
      ComfyEvent.ExecutionCached e = (ComfyEvent.ExecutionCached) event;
      Run run = run(e.promptId());
      if (run != null) {
        run.executed.addAll(e.nodes());
        write(run, false);
      }
    } else if (event instanceof ComfyEvent.Progress) {
      ComfyEvent.Progress e = (ComfyEvent.Progress) event;
      Run run = run(e.promptId());
      if (run != null) {
        // progress names its node: a node whose "executing" we missed (a socket that opened
        // after the prompt began) is still shown as the current one
        boolean nodeChanged = e.node() != null && !e.node().equals(run.node);
        if (nodeChanged) {
          if (run.node != null) {
            run.executed.add(run.node);
          }
          run.node = e.node();
        }
        run.step = e.value();
        run.maxSteps = e.max();
        write(run, nodeChanged);
      }
    } else if (event instanceof ComfyEvent.ExecutionSuccess) {
      Run run = run(((ComfyEvent.ExecutionSuccess) event).promptId());
      if (run != null) {
        forget(run);
        outcomes.settleLater(run.generation);
      }
    } else if (event instanceof ComfyEvent.ExecutionError) {
      ComfyEvent.ExecutionError e = (ComfyEvent.ExecutionError) event;
      Run run = run(e.promptId());
      if (run != null) {
        forget(run);
        outcomes.executionError(run.generation, run.prompt, serverId, e);
      }
    } else if (event instanceof ComfyEvent.Preview) {
      ComfyEvent.Preview e = (ComfyEvent.Preview) event;
      Run run = e.promptId() != null ? run(e.promptId()) : runningOn(serverId);
      if (run != null) {
        preview(run, e);
      }
    } else if (event instanceof ComfyEvent.ExecutionInterrupted) {
      Run run = run(((ComfyEvent.ExecutionInterrupted) event).promptId());
      if (run != null) {
        forget(run);
        outcomes.settleLater(run.generation);
      }
    }
  }

  /** The socket was (re)opened or closed: events may have been missed, so look at the server. */
  void reconnected(UUID serverId) {
    outcomes.checkServerLater(serverId);
  }

  private static final java.time.Duration PUBLISH_INTERVAL = java.time.Duration.ofMillis(200);

  private void write(Run run, boolean nodeChanged) {
    Instant now = clock.instant();
    Generation.Progress progress = run.progress();
    // each event is a NOTIFY: node changes always, steps at most every PUBLISH_INTERVAL
    if (nodeChanged || !now.isBefore(run.lastPublish.plus(PUBLISH_INTERVAL))) {
      run.lastPublish = now;
      bus.publish(GenerationEvent.progress(run.generation, progress));
    }
    // node changes and steps alike are stored at most once per interval; the end writes the rest
    if (!now.isBefore(run.lastWrite.plus(writeInterval))) {
      run.lastWrite = now;
      transitions.progress(run.generation, run.prompt, progress);
    }
  }

  /** Stored at most once per interval; subscribers hear where to fetch it. */
  private void preview(Run run, ComfyEvent.Preview frame) {
    Instant now = clock.instant();
    if (now.isBefore(run.lastPreview.plus(previewInterval))) {
      return;
    }
    run.lastPreview = now;
    int version =
        previews.store(run.generation, frame.mediaType(), frame.image(), frame.nodeId(), now);
    bus.publish(
        new GenerationEvent(
            "generation.preview",
            run.generation,
            Map.of("url", GenerationPreviews.url(run.generation, version))));
  }

  /**
   * A preview frame without metadata (older ComfyUI) belongs to the prompt that executes on that
   * server now: ComfyUI runs one at a time.
   */
  private @Nullable Run runningOn(UUID serverId) {
    return runs.values().stream()
        .filter(r -> serverId.equals(r.server) && r.node != null)
        .findFirst()
        .orElse(null);
  }

  private void forget(Run run) {
    runs.remove(run.prompt.toString());
  }

  private @Nullable Run run(@Nullable String promptId) {
    if (promptId == null) {
      return null;
    }
    Run known = runs.get(promptId);
    if (known != null) {
      return known;
    }
    UUID prompt;
    try {
      prompt = UUID.fromString(promptId);
    } catch (IllegalArgumentException e) {
      return null;
    }
    Generation g = generations.findByPromptId(prompt).orElse(null);
    if (g == null || g.getStatus() != GenerationStatus.RUNNING) {
      return null;
    }
    Run created =
        new Run(
            g.getId(),
            prompt,
            g.getAttempt().serverId(),
            Workflow.parse(g.getRequest().snapshot()));
    Run raced = runs.putIfAbsent(promptId, created);
    return raced != null ? raced : created;
  }
}
