package io.gpufleet.simulator.comfy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** The single worker: runs one prompt at a time and tells the sockets as ComfyUI does (§8.5). */
final class PromptRunner implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final PromptQueue queue;
  private final WsHub hub;
  private final FileStore files;
  private final Faults faults;
  private final Clock clock;
  private final boolean previews;
  private volatile double stepsPerSecond;

  /** Signature of a node's inputs (recursively) to its UI output; what the classic cache keeps. */
  private Map<String, @Nullable ObjectNode> cache = new HashMap<>();

  private volatile @Nullable String interruptTarget;
  private volatile boolean interruptAll;
  private volatile boolean freeMemoryRequested;

  PromptRunner(
      PromptQueue queue,
      WsHub hub,
      FileStore files,
      Faults faults,
      Clock clock,
      double stepsPerSecond,
      boolean previews) {
    this.queue = queue;
    this.hub = hub;
    this.files = files;
    this.faults = faults;
    this.clock = clock;
    this.stepsPerSecond = stepsPerSecond;
    this.previews = previews;
  }

  void setStepsPerSecond(double speed) {
    this.stepsPerSecond = speed;
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

  @Override
  public void run() {
    while (!Thread.currentThread().isInterrupted()) {
      try {
        PromptQueue.Job job = queue.take();
        long epoch = queue.epoch();
        interruptAll = false;
        interruptTarget = null;
        hub.broadcastStatus();
        execute(job, epoch);
        if (freeMemoryRequested) {
          freeMemoryRequested = false;
          forgetCache();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        log.error("simulated execution failed unexpectedly", e);
      }
    }
  }

  private boolean interrupted(PromptQueue.Job job) {
    return interruptAll || job.promptId().equals(interruptTarget);
  }

  private void execute(PromptQueue.Job job, long epoch) throws InterruptedException {
    Run run = new Run(job, epoch);
    String owner = job.clientId();
    run.message(
        "execution_start",
        F.objectNode().put("prompt_id", job.promptId()).put("timestamp", clock.millis()),
        true);
    List<String> order = executionOrder(job.prompt(), job.outputs());
    Map<String, String> signatures = new HashMap<>();
    order.forEach(id -> signature(job.prompt(), id, signatures));
    Map<String, @Nullable ObjectNode> previous;
    synchronized (this) {
      previous = cache;
    }
    List<String> cached =
        order.stream().filter(id -> previous.containsKey(signatures.get(id))).toList();
    ObjectNode cachedMsg = F.objectNode();
    ArrayNode cachedNodes = cachedMsg.putArray("nodes");
    cached.forEach(cachedNodes::add);
    cachedMsg.put("prompt_id", job.promptId()).put("timestamp", clock.millis());
    run.message("execution_cached", cachedMsg, true);
    Map<String, @Nullable ObjectNode> nextCache = new HashMap<>();
    for (String id : cached) {
      ObjectNode ui = previous.get(signatures.get(id));
      nextCache.put(signatures.get(id), ui);
      if (ui != null) {
        run.outputs.set(id, ui);
        hub.toOwner(owner, "executed", executed(job, id, ui));
      }
    }
    for (String id : order) {
      if (cached.contains(id)) {
        continue;
      }
      if (!queue.isCurrent(epoch)) {
        return;
      }
      JsonNode node = job.prompt().get(id);
      String classType = node.path("class_type").asString();
      if (interrupted(job)) {
        finishInterrupted(run, id, classType);
        return;
      }
      run.state.put(id, new double[] {0, 1, 0});
      hub.toOwnerOrAll(owner, "progress_state", progressState(job, run));
      hub.setRunning(owner, id);
      hub.toOwner(
          owner,
          "executing",
          F.objectNode().put("node", id).put("display_node", id).put("prompt_id", job.promptId()));
      Faults.PlannedError error = faults.takeErrorFor(classType);
      if ("KSampler".equals(classType)) {
        int steps = Math.max(1, node.path("inputs").path("steps").asInt(20));
        for (int step = 1; step <= steps; step++) {
          faults.awaitNotHung(() -> queue.isCurrent(epoch) && !interrupted(job));
          if (!queue.isCurrent(epoch)) {
            return;
          }
          if (interrupted(job)) {
            finishInterrupted(run, id, classType);
            return;
          }
          if (error != null && step > steps / 2) {
            break;
          }
          Thread.sleep(Math.max(0, Math.round(1000.0 / stepsPerSecond)));
          ObjectNode progress =
              F.objectNode()
                  .put("value", step)
                  .put("max", steps)
                  .put("prompt_id", job.promptId())
                  .put("node", id);
          hub.toOwnerOrAll(owner, "progress", progress);
          run.state.put(id, new double[] {step, steps, 0});
          hub.toOwnerOrAll(owner, "progress_state", progressState(job, run));
          if (previews) {
            ObjectNode meta =
                F.objectNode()
                    .put("node_id", id)
                    .put("prompt_id", job.promptId())
                    .put("display_node_id", id)
                    .putNull("parent_node_id")
                    .put("real_node_id", id);
            hub.preview(owner, ImageRenderer.jpegPreview(signatures.get(id), step, steps), meta);
          }
        }
      } else {
        faults.awaitNotHung(() -> queue.isCurrent(epoch) && !interrupted(job));
      }
      if (error != null) {
        finishError(run, id, classType, error, cached);
        return;
      }
      ObjectNode ui = null;
      if ("SaveImage".equals(classType) || "PreviewImage".equals(classType)) {
        ui = saveImages(job.prompt(), id, classType, signatures);
        run.outputs.set(id, ui);
        hub.toOwner(owner, "executed", executed(job, id, ui));
      }
      nextCache.put(signatures.get(id), ui);
      run.executed.add(id);
      run.state.put(id, new double[] {1, 1, 1});
      hub.toOwnerOrAll(owner, "progress_state", progressState(job, run));
    }
    synchronized (this) {
      cache = nextCache;
    }
    run.message(
        "execution_success",
        F.objectNode().put("prompt_id", job.promptId()).put("timestamp", clock.millis()),
        true);
    complete(run, "success", true);
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
      Run run, String nodeId, String classType, Faults.PlannedError error, List<String> cached) {
    boolean oom = error.exceptionType().contains("OutOfMemoryError");
    ObjectNode data =
        F.objectNode()
            .put("prompt_id", run.job.promptId())
            .put("node_id", nodeId)
            .put("node_type", classType);
    ArrayNode executed = data.putArray("executed");
    run.executed.forEach(executed::add);
    data.put("exception_message", error.message() + (oom ? "\n" + Faults.OOM_TIP : ""));
    data.put("exception_type", error.exceptionType());
    ArrayNode tb = data.putArray("traceback");
    tb.add(
        "  File \"/ComfyUI/execution.py\", line 496, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, hidden_inputs=hidden_inputs)\n");
    tb.add(
        "  File \"/ComfyUI/nodes.py\", line 1525, in sample\n    return common_ksampler(model, seed, steps, cfg, sampler_name, scheduler, positive, negative, latent_image, denoise=denoise)\n");
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

  private ObjectNode saveImages(
      JsonNode prompt, String id, String classType, Map<String, String> signatures) {
    int width = 512;
    int height = 512;
    int batch = 1;
    JsonNode latent = upstream(prompt, id, "EmptyLatentImage");
    if (latent != null) {
      width = clamp(latent.path("inputs").path("width").asInt(512));
      height = clamp(latent.path("inputs").path("height").asInt(512));
      batch = Math.max(1, Math.min(16, latent.path("inputs").path("batch_size").asInt(1)));
    }
    boolean temp = "PreviewImage".equals(classType);
    String prefix =
        temp
            ? "ComfyUI_temp_" + shortHash(signatures.get(id))
            : prompt.path(id).path("inputs").path("filename_prefix").asString("ComfyUI");
    ObjectNode ui = F.objectNode();
    ArrayNode images = ui.putArray("images");
    for (int i = 0; i < batch; i++) {
      byte[] png = ImageRenderer.png(signatures.get(id) + "/" + i, width, height);
      String[] saved = files.save(temp ? "temp" : "output", prefix, png);
      images
          .addObject()
          .put("filename", saved[1])
          .put("subfolder", saved[0])
          .put("type", temp ? "temp" : "output");
    }
    return ui;
  }

  private static int clamp(int size) {
    return Math.max(8, Math.min(2048, size));
  }

  private static String shortHash(String s) {
    byte[] h = ImageRenderer.sha256(s);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      b.append((char) ('a' + (h[i] & 0xff) % 26));
    }
    return b.toString() + (h[3] & 0xff) % 100;
  }

  private static @Nullable JsonNode upstream(JsonNode prompt, String from, String classType) {
    Set<String> seen = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(List.of(from));
    while (!todo.isEmpty()) {
      String id = todo.remove(0);
      JsonNode node = prompt.get(id);
      if (node == null || !seen.add(id)) {
        continue;
      }
      if (classType.equals(node.path("class_type").asString(""))) {
        return node;
      }
      node.path("inputs")
          .forEachEntry(
              (k, v) -> {
                if (v.isArray() && v.size() == 2 && v.get(0).isString()) {
                  todo.add(v.get(0).asString());
                }
              });
    }
    return null;
  }

  private ObjectNode executed(PromptQueue.Job job, String id, ObjectNode ui) {
    ObjectNode data = F.objectNode().put("node", id).put("display_node", id);
    data.set("output", ui);
    data.put("prompt_id", job.promptId());
    return data;
  }

  private ObjectNode progressState(PromptQueue.Job job, Run run) {
    ObjectNode data = F.objectNode().put("prompt_id", job.promptId());
    ObjectNode nodes = data.putObject("nodes");
    run.state.forEach(
        (id, s) ->
            nodes
                .putObject(id)
                .put("value", s[0])
                .put("max", s[1])
                .put("state", s[2] == 1 ? "finished" : "running")
                .put("node_id", id)
                .put("prompt_id", job.promptId())
                .put("display_node_id", id)
                .putNull("parent_node_id")
                .put("real_node_id", id));
    return data;
  }

  /** Dependency order from the outputs, inputs first (ids sorted for determinism). */
  static List<String> executionOrder(JsonNode prompt, List<String> outputs) {
    List<String> order = new ArrayList<>();
    Set<String> done = new LinkedHashSet<>();
    for (String out : outputs) {
      visit(prompt, out, done, order);
    }
    return order;
  }

  private static void visit(JsonNode prompt, String id, Set<String> done, List<String> order) {
    if (!done.add(id)) {
      return;
    }
    Map<String, JsonNode> inputs = new TreeMap<>();
    prompt.path(id).path("inputs").forEachEntry(inputs::put);
    for (JsonNode v : inputs.values()) {
      if (v.isArray() && v.size() == 2 && v.get(0).isString() && prompt.has(v.get(0).asString())) {
        visit(prompt, v.get(0).asString(), done, order);
      }
    }
    order.add(id);
  }

  private static String signature(JsonNode prompt, String id, Map<String, String> memo) {
    String known = memo.get(id);
    if (known != null) {
      return known;
    }
    JsonNode node = prompt.path(id);
    StringBuilder b = new StringBuilder(node.path("class_type").asString("")).append('{');
    Map<String, JsonNode> inputs = new TreeMap<>();
    node.path("inputs").forEachEntry(inputs::put);
    inputs.forEach(
        (k, v) -> {
          b.append(k).append('=');
          if (v.isArray()
              && v.size() == 2
              && v.get(0).isString()
              && prompt.has(v.get(0).asString())) {
            b.append('<')
                .append(signature(prompt, v.get(0).asString(), memo))
                .append('#')
                .append(v.get(1))
                .append('>');
          } else {
            b.append(v);
          }
          b.append(';');
        });
    String sig = b.append('}').toString();
    memo.put(id, sig);
    return sig;
  }

  /** What one execution accumulates for its history entry. */
  private final class Run {
    final PromptQueue.Job job;
    final long epoch;
    final ObjectNode outputs = F.objectNode();
    final ArrayNode messages = F.arrayNode();
    final List<String> executed = new ArrayList<>();
    final Map<String, double[]> state = new LinkedHashMap<>();

    Run(PromptQueue.Job job, long epoch) {
      this.job = job;
      this.epoch = epoch;
    }

    void message(String type, ObjectNode data, boolean toOwner) {
      record(type, data);
      if (toOwner) {
        hub.toOwner(job.clientId(), type, data);
      }
    }

    void record(String type, ObjectNode data) {
      ArrayNode m = messages.addArray();
      m.add(type);
      m.add(data);
    }
  }
}
