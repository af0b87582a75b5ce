package io.gpufleet.simulator.comfy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's single worker: runs one prompt at a time and tells the sockets as ComfyUI does (§8.5).
 * It borrows a thread from a shared pool only while prompts are queued, so an idle simulator costs
 * no thread.
 */
final class PromptRunner {
  private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** What the classic cache keeps of a node: its outputs and its UI output. */
  record CachedNode(List<Value> outputs, @Nullable ObjectNode ui) {}

  private final PromptQueue queue;
  private final WsHub hub;
  private final FileStore files;
  private final ModelRegistry models;
  private final NodeCatalog catalog;
  private final Faults faults;
  private final Clock clock;
  private final boolean previews;
  private final Executor workers;
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile double stepsPerSecond;

  /** Signature of a node to what it produced last time; only the last prompt's nodes stay. */
  private Map<String, CachedNode> cache = new HashMap<>();

  private volatile @Nullable String interruptTarget;
  private volatile boolean interruptAll;
  private volatile boolean freeMemoryRequested;

  PromptRunner(
      PromptQueue queue,
      WsHub hub,
      FileStore files,
      ModelRegistry models,
      NodeCatalog catalog,
      Faults faults,
      Clock clock,
      double stepsPerSecond,
      boolean previews,
      Executor workers) {
    this.queue = queue;
    this.hub = hub;
    this.files = files;
    this.models = models;
    this.catalog = catalog;
    this.faults = faults;
    this.clock = clock;
    this.stepsPerSecond = stepsPerSecond;
    this.previews = previews;
    this.workers = workers;
  }

  void setStepsPerSecond(double speed) {
    this.stepsPerSecond = speed;
  }

  double stepsPerSecond() {
    return stepsPerSecond;
  }

  /** Interrupts the running prompt if it is {@code promptId} (null: whatever runs). */
  void interrupt(@Nullable String promptId) {
    PromptQueue.Job running = queue.running();
    if (running == null) {
      return;
    }
    if (promptId == null) {
      interruptAll = true;
    } else if (promptId.equals(running.promptId())) {
      interruptTarget = promptId;
    }
    faults.wake();
  }

  void requestFree(boolean freeMemory) {
    if (freeMemory) {
      freeMemoryRequested = true;
    }
  }

  synchronized void forgetCache() {
    cache = new HashMap<>();
  }

  /** Something was queued: start working unless already at it. */
  void kick() {
    if (draining.compareAndSet(false, true)) {
      workers.execute(this::drain);
    }
  }

  private void drain() {
    try {
      PromptQueue.Job job;
      while ((job = queue.poll()) != null) {
        long epoch = queue.epoch();
        interruptAll = false;
        interruptTarget = null;
        hub.broadcastStatus();
        try {
          execute(job, epoch);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          log.error("simulated execution failed unexpectedly", e);
        }
        if (freeMemoryRequested) {
          freeMemoryRequested = false;
          forgetCache();
        }
      }
    } finally {
      draining.set(false);
    }
    // A prompt queued between the last poll and the reset above would wait forever otherwise.
    if (queue.hasPending()) {
      kick();
    }
  }

  private boolean interrupted(PromptQueue.Job job) {
    return interruptAll || job.promptId().equals(interruptTarget);
  }

  private void execute(PromptQueue.Job job, long epoch) throws InterruptedException {
    Run run = new Run(job, epoch);
    run.message(
        "execution_start",
        F.objectNode().put("prompt_id", job.promptId()).put("timestamp", clock.millis()));
    List<String> order = PromptGraph.executionOrder(job.prompt(), job.outputs());
    Map<String, String> signatures = PromptGraph.signatures(job.prompt(), order, files);
    Map<String, CachedNode> previous;
    synchronized (this) {
      previous = cache;
    }
    List<String> cached =
        order.stream().filter(id -> previous.containsKey(signatures.get(id))).toList();
    ObjectNode cachedMsg = F.objectNode();
    ArrayNode cachedNodes = cachedMsg.putArray("nodes");
    cached.forEach(cachedNodes::add);
    cachedMsg.put("prompt_id", job.promptId()).put("timestamp", clock.millis());
    run.message("execution_cached", cachedMsg);
    Map<String, CachedNode> nextCache = new HashMap<>();
    for (String id : cached) {
      CachedNode node = previous.get(signatures.get(id));
      nextCache.put(signatures.get(id), node);
      run.values.put(id, node.outputs());
      if (node.ui() != null) {
        run.outputs.set(id, node.ui());
        hub.toOwner(job.clientId(), "executed", executed(job, id, node.ui()));
      }
    }
    for (String id : order) {
      if (cached.contains(id)) {
        continue;
      }
      if (!queue.isCurrent(epoch)) {
        return;
      }
      CachedNode done = runNode(run, id, signatures.get(id), cached);
      if (done == null) {
        return;
      }
      nextCache.put(signatures.get(id), done);
    }
    synchronized (this) {
      cache = nextCache;
    }
    run.message(
        "execution_success",
        F.objectNode().put("prompt_id", job.promptId()).put("timestamp", clock.millis()));
    complete(run, "success", true);
  }

  /** Runs one node; null when the prompt stopped there (error, interrupt, crash). */
  private @Nullable CachedNode runNode(Run run, String id, String signature, List<String> cached)
      throws InterruptedException {
    PromptQueue.Job job = run.job;
    String owner = job.clientId();
    JsonNode node = job.prompt().get(id);
    String classType = node.path("class_type").asString();
    if (interrupted(job)) {
      finishInterrupted(run, id, classType);
      return null;
    }
    run.state.put(id, new double[] {0, 1, 0});
    hub.toOwnerOrAll(owner, "progress_state", progressState(run));
    hub.setRunning(owner, id);
    hub.toOwner(
        owner,
        "executing",
        F.objectNode().put("node", id).put("display_node", id).put("prompt_id", job.promptId()));
    Faults.PlannedError planned = faults.takeErrorFor(classType);
    NodeCatalog.NodeDef def = catalog.get(classType).orElseThrow();
    NodeBehaviour.Executed result;
    try {
      result = NodeBehaviours.of(def).run(inputs(run, def, node), new Context(run, id, signature));
    } catch (NodeBehaviour.NodeFailure failure) {
      finishError(run, id, classType, failure.exceptionType, failure.getMessage(), cached);
      return null;
    } catch (RuntimeException e) {
      log.warn("simulated node {} ({}) failed", id, classType, e);
      finishError(run, id, classType, "RuntimeError", String.valueOf(e.getMessage()), cached);
      return null;
    }
    int steps = result.steps();
    for (int step = 1; step <= steps; step++) {
      faults.awaitNotHung(() -> queue.isCurrent(run.epoch) && !interrupted(job));
      if (!queue.isCurrent(run.epoch)) {
        return null;
      }
      if (interrupted(job)) {
        finishInterrupted(run, id, classType);
        return null;
      }
      if (planned != null && step > steps / 2) {
        break;
      }
      Thread.sleep(Math.max(0, Math.round(1000.0 / stepsPerSecond)));
      progress(run, id, step, steps);
      if (previews) {
        hub.preview(owner, ImageRenderer.jpegPreview(signature, step, steps), false, meta(run, id));
      }
    }
    if (steps == 0) {
      faults.awaitNotHung(() -> queue.isCurrent(run.epoch) && !interrupted(job));
    }
    if (planned != null) {
      finishError(run, id, classType, planned.exceptionType(), planned.message(), cached);
      return null;
    }
    run.values.put(id, result.outputs());
    if (result.ui() != null) {
      run.outputs.set(id, result.ui());
      hub.toOwner(owner, "executed", executed(job, id, result.ui()));
    }
    run.executed.add(id);
    run.state.put(id, new double[] {1, 1, 1});
    hub.toOwnerOrAll(owner, "progress_state", progressState(run));
    return new CachedNode(result.outputs(), result.ui());
  }

  private void progress(Run run, String id, int value, int max) {
    ObjectNode progress =
        F.objectNode()
            .put("value", value)
            .put("max", max)
            .put("prompt_id", run.job.promptId())
            .put("node", id);
    hub.toOwnerOrAll(run.job.clientId(), "progress", progress);
    run.state.put(id, new double[] {value, max, 0});
    hub.toOwnerOrAll(run.job.clientId(), "progress_state", progressState(run));
  }

  private static ObjectNode meta(Run run, String id) {
    return F.objectNode()
        .put("node_id", id)
        .put("prompt_id", run.job.promptId())
        .put("display_node_id", id)
        .putNull("parent_node_id")
        .put("real_node_id", id);
  }

  /** The node's literal inputs and, for its links, the values of the nodes they come from. */
  private static NodeInputs inputs(Run run, NodeCatalog.NodeDef def, JsonNode node) {
    Map<String, Value> linked = new HashMap<>();
    node.path("inputs")
        .forEachEntry(
            (name, v) -> {
              if (PromptGraph.isLink(run.job.prompt(), v)) {
                List<Value> from = run.values.get(v.get(0).asString());
                int slot = v.get(1).asInt();
                if (from != null && slot >= 0 && slot < from.size()) {
                  linked.put(name, from.get(slot));
                }
              }
            });
    return new NodeInputs(def, node.path("inputs"), linked);
  }

  private void finishInterrupted(Run run, String nodeId, String classType) {
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

  private void finishError(
      Run run,
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
    if (oom) {
      forgetCache();
    }
    complete(run, "error", false);
  }

  /** History first, then status, then the canonical done signal. */
  private void complete(Run run, String statusStr, boolean completed) {
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

  private static ObjectNode executed(PromptQueue.Job job, String id, ObjectNode ui) {
    ObjectNode data = F.objectNode().put("node", id).put("display_node", id);
    data.set("output", ui);
    data.put("prompt_id", job.promptId());
    return data;
  }

  private static ObjectNode progressState(Run run) {
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
    return data;
  }

  /** What a node sees of its run. */
  private final class Context implements NodeBehaviour.NodeRun {
    private final Run run;
    private final String id;
    private final String signature;

    Context(Run run, String id, String signature) {
      this.run = run;
      this.id = id;
      this.signature = signature;
    }

    @Override
    public String fingerprint() {
      return signature;
    }

    @Override
    public FileStore files() {
      return files;
    }

    @Override
    public boolean hasModel(String folder, String name) {
      return models.files(folder).contains(name);
    }

    @Override
    public JsonNode prompt() {
      return run.job.prompt();
    }

    @Override
    public @Nullable JsonNode extraPngInfo() {
      JsonNode info = run.job.extraData().get("extra_pnginfo");
      return info != null && info.isObject() ? info : null;
    }

    @Override
    public void sendImage(byte[] png, int index, int total) {
      progress(run, id, index, total);
      hub.preview(run.job.clientId(), png, true, meta(run, id));
    }
  }

  /** What one execution accumulates for its history entry. */
  private final class Run {
    final PromptQueue.Job job;
    final long epoch;
    final ObjectNode outputs = F.objectNode();
    final ArrayNode messages = F.arrayNode();
    final List<String> executed = new ArrayList<>();
    final Map<String, double[]> state = new LinkedHashMap<>();
    final Map<String, List<Value>> values = new HashMap<>();

    Run(PromptQueue.Job job, long epoch) {
      this.job = job;
      this.epoch = epoch;
    }

    void message(String type, ObjectNode data) {
      record(type, data);
      hub.toOwner(job.clientId(), type, data);
    }

    void record(String type, ObjectNode data) {
      ArrayNode m = messages.addArray();
      m.add(type);
      m.add(data);
    }
  }
}
