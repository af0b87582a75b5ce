package io.gpufleet.api.dispatch;

import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The speed a finished run shows: its estimated work over the seconds between ComfyUI's own {@code
 * execution_start} and {@code execution_success} (the server's clock, so queueing on it and our
 * polling do not count). A run whose sampler was served from ComfyUI's cache says nothing of the
 * GPU and is left out.
 */
final class RunSpeed {

  /** Shorter runs are too close to the timestamps' resolution to measure. */
  private static final long MIN_MILLIS = 20;

  private RunSpeed() {}

  static Optional<Double> of(Generation g, HistoryEntry entry) {
    Long start = null;
    Long end = null;
    Set<String> cached = new HashSet<>();
    for (HistoryEntry.Message m : entry.messages()) {
      switch (m.type()) {
        case "execution_start" -> start = timestamp(m);
        case "execution_success" -> end = timestamp(m);
        case "execution_cached" -> m.data().path("nodes").forEach(n -> cached.add(n.asString()));
        default -> {}
      }
    }
    if (start == null || end == null || end - start < MIN_MILLIS) {
      return Optional.empty();
    }
    Workflow graph = Workflow.parse(g.getRequest().snapshot());
    for (Node node : graph.nodes().values()) {
      if (node.literal("steps").isPresent() && cached.contains(node.id())) {
        return Optional.empty();
      }
    }
    return Optional.of(g.getWork() / ((end - start) / 1000.0));
  }

  private static @Nullable Long timestamp(HistoryEntry.Message m) {
    return m.data().path("timestamp").isNumber() ? m.data().path("timestamp").asLong() : null;
  }
}
