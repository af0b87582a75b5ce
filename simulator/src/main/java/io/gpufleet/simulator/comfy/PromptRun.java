package io.gpufleet.simulator.comfy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** What one execution of a prompt accumulates: node values, UI outputs, messages, progress. */
final class PromptRun {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  final PromptQueue.Job job;
  final long epoch;

  /** UI outputs by node id: history's {@code outputs}. */
  final ObjectNode outputs = F.objectNode();

  /** The execution_* messages, for history's {@code status.messages}. */
  final ArrayNode messages = F.arrayNode();

  final List<String> executed = new ArrayList<>();

  /** progress_state per node: value, max, finished (1) or running (0). */
  final Map<String, double[]> state = new LinkedHashMap<>();

  /** What each executed node produced, by output slot. */
  final Map<String, List<Value>> values = new HashMap<>();

  PromptRun(PromptQueue.Job job, long epoch) {
    this.job = job;
    this.epoch = epoch;
  }

  void record(String type, ObjectNode data) {
    ArrayNode m = messages.addArray();
    m.add(type);
    m.add(data);
  }
}
