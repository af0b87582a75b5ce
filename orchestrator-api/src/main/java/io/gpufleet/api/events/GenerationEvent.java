package io.gpufleet.api.events;

import io.gpufleet.persistence.generations.Generation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What subscribers of a generation hear: {@code generation.queued}, {@code .started}, {@code
 * .progress}, {@code .completed}, {@code .failed}, {@code .cancelled}.
 *
 * @param sequence its number in {@code generation_events}, the position subscribers resume after; 0
 *     for an event not stored (not yet published, or published while the database was away)
 */
public record GenerationEvent(
    String type, UUID generationId, Map<String, Object> data, long sequence) {

  /** An event to publish: the bus gives it its number. */
  public GenerationEvent(String type, UUID generationId, Map<String, Object> data) {
    this(type, generationId, data, 0);
  }

  public static GenerationEvent progress(UUID id, Generation.Progress p) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("progress", p.percent());
    if (p.nodeId() != null) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("id", p.nodeId());
      node.put("type", p.nodeType());
      node.put("title", p.nodeTitle());
      data.put("node", node);
    }
    data.put("executedNodes", p.executedNodes());
    data.put("totalNodes", p.totalNodes());
    if (p.step() != null) {
      data.put("step", p.step());
      data.put("maxSteps", p.maxSteps());
    }
    return new GenerationEvent("generation.progress", id, data);
  }

  public static GenerationEvent status(UUID id, String status) {
    return new GenerationEvent(
        "generation." + status.toLowerCase(java.util.Locale.ROOT), id, Map.of("status", status));
  }

  public boolean isFinal() {
    return type.equals("generation.completed")
        || type.equals("generation.failed")
        || type.equals("generation.cancelled");
  }
}
