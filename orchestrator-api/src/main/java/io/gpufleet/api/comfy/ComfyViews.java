package io.gpufleet.api.comfy;

import io.gpufleet.api.generations.GenerationViews;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A generation in ComfyUI's shapes: the 5-element queue item, the history entry (prompt, outputs by
 * node, status with its recorded messages, meta), and the data of the execution messages that the
 * history records and the socket sends.
 */
final class ComfyViews {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ComfyViews() {}

  /** {@code [number, prompt_id, prompt, extra_data, outputs_to_execute]}. */
  static ArrayNode queueItem(ComfyPrompts.Prompt p, Generation g) {
    ArrayNode item = F.arrayNode();
    item.add(number(p.number()));
    item.add(g.getId().toString());
    item.add(ComfyPrompts.JSON.readTree(g.getRequest().snapshot()));
    item.add(p.extraData().deepCopy());
    ArrayNode outputs = item.addArray();
    p.outputs().forEach(outputs::add);
    return item;
  }

  /** ComfyUI's numbers are ints, or floats when the client chose them. */
  static JsonNode number(BigDecimal n) {
    BigDecimal stripped = n.stripTrailingZeros();
    return stripped.scale() <= 0 && stripped.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0
        ? F.numberNode(n.longValue())
        : F.numberNode(n.doubleValue());
  }

  static ObjectNode historyEntry(ComfyPrompts.Prompt p, Generation g) {
    ObjectNode entry = F.objectNode();
    entry.set("prompt", queueItem(p, g));
    ObjectNode outputs = entry.putObject("outputs");
    outputsByNode(p, g).forEach(outputs::set);
    ObjectNode status = entry.putObject("status");
    boolean success = g.getStatus() == GenerationStatus.COMPLETED;
    status.put("status_str", success ? "success" : "error");
    status.put("completed", success);
    ArrayNode messages = status.putArray("messages");
    if (g.getTimings().startedAt() != null) {
      messages.addArray().add("execution_start").add(executionStart(g));
      messages.addArray().add("execution_cached").add(executionCached(g));
    }
    if (success) {
      messages.addArray().add("execution_success").add(stamped(g, g.getTimings().finishedAt()));
    } else if (g.getStatus() == GenerationStatus.CANCELLED) {
      messages.addArray().add("execution_interrupted").add(interrupted(g, null, List.of()));
    } else {
      messages.addArray().add("execution_error").add(executionError(g));
    }
    ObjectNode meta = entry.putObject("meta");
    outputs
        .propertyNames()
        .forEach(
            id ->
                meta.putObject(id)
                    .put("node_id", id)
                    .put("display_node", id)
                    .putNull("parent_node")
                    .put("real_node_id", id));
    return entry;
  }

  /** {@code {node_id: {images: [{filename, subfolder, type}]}}} of the stored outputs. */
  static Map<String, ObjectNode> outputsByNode(ComfyPrompts.Prompt p, Generation g) {
    Map<String, ObjectNode> byNode = new LinkedHashMap<>();
    if (g.getStatus() != GenerationStatus.COMPLETED) {
      return byNode;
    }
    String fallback = p.outputs().isEmpty() ? "0" : p.outputs().get(0);
    for (StoredOutput out : GenerationViews.outputs(g)) {
      String node = out.nodeId() == null ? fallback : out.nodeId();
      ObjectNode ui = byNode.computeIfAbsent(node, n -> F.objectNode());
      ArrayNode images = ui.has("images") ? (ArrayNode) ui.get("images") : ui.putArray("images");
      images
          .addObject()
          .put("filename", FileNames.output(g.getId(), out.index(), out.contentType()))
          .put("subfolder", "")
          .put("type", "output");
    }
    return byNode;
  }

  static ObjectNode executionStart(Generation g) {
    return stamped(g, g.getTimings().startedAt());
  }

  static ObjectNode executionCached(Generation g) {
    ObjectNode data = F.objectNode();
    data.putArray("nodes");
    data.put("prompt_id", g.getId().toString());
    data.put("timestamp", millis(g.getTimings().startedAt()));
    return data;
  }

  static ObjectNode stamped(Generation g, @Nullable Instant at) {
    return F.objectNode().put("prompt_id", g.getId().toString()).put("timestamp", millis(at));
  }

  static ObjectNode executionError(Generation g) {
    Generation.Failure f = g.getFailure();
    ObjectNode data = F.objectNode();
    data.put("prompt_id", g.getId().toString());
    data.put("node_id", f == null ? null : f.nodeId());
    data.put("node_type", f == null ? null : f.nodeType());
    data.putArray("executed");
    data.put("exception_message", f == null ? "The generation failed" : f.message());
    data.put("exception_type", f == null ? "ExecutionError" : f.type());
    data.putArray("traceback");
    data.putObject("current_inputs");
    data.putArray("current_outputs");
    data.put("timestamp", millis(g.getTimings().finishedAt()));
    return data;
  }

  static ObjectNode interrupted(Generation g, @Nullable String node, List<String> executed) {
    ObjectNode data = F.objectNode();
    data.put("prompt_id", g.getId().toString());
    String nodeId = node != null ? node : g.getProgress().nodeId();
    data.put("node_id", nodeId);
    data.put("node_type", nodeType(g, nodeId));
    ArrayNode list = data.putArray("executed");
    executed.forEach(list::add);
    data.put("timestamp", millis(g.getTimings().finishedAt()));
    return data;
  }

  private static @Nullable String nodeType(Generation g, @Nullable String nodeId) {
    if (nodeId == null) {
      return null;
    }
    JsonNode node =
        ComfyPrompts.JSON.readTree(g.getRequest().snapshot()).path(nodeId).path("class_type");
    return node.isString() ? node.asString() : null;
  }

  private static long millis(@Nullable Instant at) {
    return at == null ? 0 : at.toEpochMilli();
  }
}
