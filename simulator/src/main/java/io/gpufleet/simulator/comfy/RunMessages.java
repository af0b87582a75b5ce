package io.gpufleet.simulator.comfy;

import java.time.Clock;
import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What ComfyUI tells the sockets and writes to history while a prompt runs and when it ends: the
 * message shapes of §8.2 and the order of §8.5 (history first, then status, then the done signal).
 */
final class RunMessages {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final WsHub hub;
  private final PromptQueue queue;
  private final Clock clock;

  RunMessages(WsHub hub, PromptQueue queue, Clock clock) {
    this.hub = hub;
    this.queue = queue;
    this.clock = clock;
  }

  /** An execution_* message: recorded for history, sent to the owner. */
  void execution(PromptRun run, String type, ObjectNode data) {
    run.record(type, data);
    hub.toOwner(run.job.clientId(), type, data);
  }

  void start(PromptRun run) {
    execution(
        run,
        "execution_start",
        F.objectNode().put("prompt_id", run.job.promptId()).put("timestamp", clock.millis()));
  }

  void cached(PromptRun run, List<String> nodes) {
    ObjectNode data = F.objectNode();
    ArrayNode ids = data.putArray("nodes");
    nodes.forEach(ids::add);
    data.put("prompt_id", run.job.promptId()).put("timestamp", clock.millis());
    execution(run, "execution_cached", data);
  }

  void executing(PromptRun run, String id) {
    run.state.put(id, new double[] {0, 1, 0});
    progressState(run);
    hub.setRunning(run.job.clientId(), id);
    hub.toOwner(
        run.job.clientId(),
        "executing",
        F.objectNode()
            .put("node", id)
            .put("display_node", id)
            .put("prompt_id", run.job.promptId()));
  }

  void progress(PromptRun run, String id, int value, int max) {
    ObjectNode progress =
        F.objectNode()
            .put("value", value)
            .put("max", max)
            .put("prompt_id", run.job.promptId())
            .put("node", id);
    hub.toOwnerOrAll(run.job.clientId(), "progress", progress);
    run.state.put(id, new double[] {value, max, 0});
    progressState(run);
  }

  /** A binary preview of node {@code id}: a sampler's JPEG or SaveImageWebsocket's PNG. */
  void preview(PromptRun run, String id, byte[] image, boolean png) {
    ObjectNode meta =
        F.objectNode()
            .put("node_id", id)
            .put("prompt_id", run.job.promptId())
            .put("display_node_id", id)
            .putNull("parent_node_id")
            .put("real_node_id", id);
    hub.preview(run.job.clientId(), image, png, meta);
  }

  /** A node's UI output: kept for history and sent as {@code executed}. */
  void executed(PromptRun run, String id, ObjectNode ui) {
    run.outputs.set(id, ui);
    ObjectNode data = F.objectNode().put("node", id).put("display_node", id);
    data.set("output", ui);
    data.put("prompt_id", run.job.promptId());
    hub.toOwner(run.job.clientId(), "executed", data);
  }

  void finished(PromptRun run, String id) {
    run.executed.add(id);
    run.state.put(id, new double[] {1, 1, 1});
    progressState(run);
  }

  void success(PromptRun run) {
    execution(
        run,
        "execution_success",
        F.objectNode().put("prompt_id", run.job.promptId()).put("timestamp", clock.millis()));
    complete(run, "success", true);
  }

  void interrupted(PromptRun run, String nodeId, String classType) {
    ObjectNode data =
        F.objectNode()
            .put("prompt_id", run.job.promptId())
            .put("node_id", nodeId)
            .put("node_type", classType);
    ArrayNode executed = data.putArray("executed");
    run.executed.forEach(executed::add);
    data.put("timestamp", clock.millis());
    run.record("execution_interrupted", data);
    hub.toOwnerOrAll(run.job.clientId(), "execution_interrupted", data);
    complete(run, "error", false);
  }

  /** An execution_error as ComfyUI reports a node's exception (with the OOM tip for OOMs). */
  void error(
      PromptRun run,
      String nodeId,
      String classType,
      String exceptionType,
      String message,
      List<String> cached) {
    boolean oom = exceptionType.contains("OutOfMemoryError");
    ObjectNode data =
        F.objectNode()
            .put("prompt_id", run.job.promptId())
            .put("node_id", nodeId)
            .put("node_type", classType);
    ArrayNode executed = data.putArray("executed");
    run.executed.forEach(executed::add);
    data.put("exception_message", message + (oom ? "\n" + Faults.OOM_TIP : ""));
    data.put("exception_type", exceptionType);
    ArrayNode tb = data.putArray("traceback");
    tb.add(
        "  File \"/ComfyUI/execution.py\", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n");
    tb.add(
        "  File \"/ComfyUI/execution.py\", line 315, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n");
    ObjectNode inputs = data.putObject("current_inputs");
    run.job
        .prompt()
        .path(nodeId)
        .path("inputs")
        .forEachEntry(
            (k, v) -> inputs.putArray(k).add(v.isValueNode() ? v : F.stringNode(v.toString())));
    ArrayNode outs = data.putArray("current_outputs");
    cached.forEach(outs::add);
    data.put("timestamp", clock.millis());
    run.record("execution_error", data);
    hub.toOwner(run.job.clientId(), "execution_error", data);
    complete(run, "error", false);
  }

  /** History first, then status, then the canonical done signal. */
  private void complete(PromptRun run, String statusStr, boolean completed) {
    ObjectNode entry = F.objectNode();
    entry.set("prompt", run.job.asItem());
    entry.set("outputs", run.outputs);
    ObjectNode status = entry.putObject("status");
    status.put("status_str", statusStr);
    status.put("completed", completed);
    status.set("messages", run.messages);
    ObjectNode meta = entry.putObject("meta");
    run.outputs
        .propertyNames()
        .forEach(
            id ->
                meta.putObject(id)
                    .put("node_id", id)
                    .put("display_node", id)
                    .putNull("parent_node")
                    .put("real_node_id", id));
    queue.finish(run.job, entry, run.epoch);
    hub.setRunning(null, null);
    if (!queue.isCurrent(run.epoch)) {
      return;
    }
    hub.broadcastStatus();
    hub.toOwner(
        run.job.clientId(),
        "executing",
        F.objectNode().putNull("node").put("prompt_id", run.job.promptId()));
  }

  private void progressState(PromptRun run) {
    ObjectNode data = F.objectNode().put("prompt_id", run.job.promptId());
    ObjectNode nodes = data.putObject("nodes");
    run.state.forEach(
        (id, s) ->
            nodes
                .putObject(id)
                .put("value", s[0])
                .put("max", s[1])
                .put("state", s[2] == 1 ? "finished" : "running")
                .put("node_id", id)
                .put("prompt_id", run.job.promptId())
                .put("display_node_id", id)
                .putNull("parent_node_id")
                .put("real_node_id", id));
    hub.toOwnerOrAll(run.job.clientId(), "progress_state", data);
  }
}
