package io.gpufleet.simulator.comfy;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's single worker: runs one prompt at a time and tells the sockets as ComfyUI does (§8.5).
 * It borrows a thread from a shared pool only while prompts are queued, so an idle simulator costs
 * no thread.
 */
final class PromptRunner {
  private static final Logger log = LoggerFactory.getLogger(PromptRunner.class);

  /** What the classic cache keeps of a node: its outputs and its UI output. */
  record CachedNode(List<Value> outputs, @Nullable ObjectNode ui) {}

  private final PromptQueue queue;
  private final WsHub hub;
  private final RunMessages messages;
  private final FileStore files;
  private final ModelRegistry models;
  private final NodeCatalog catalog;
  private final Faults faults;
  private final RunLog runLog;
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
      RunLog runLog,
      Clock clock,
      double stepsPerSecond,
      boolean previews,
      Executor workers) {
    this.queue = queue;
    this.hub = hub;
    this.messages = new RunMessages(hub, queue, clock);
    this.runLog = runLog;
    this.files = files;
    this.models = models;
    this.catalog = catalog;
    this.faults = faults;
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
    PromptRun run = new PromptRun(job, epoch);
    messages.start(run);
    List<String> order = PromptGraph.executionOrder(job.prompt(), job.outputs());
    Map<String, String> signatures = PromptGraph.signatures(job.prompt(), order, files);
    Map<String, CachedNode> previous;
    synchronized (this) {
      previous = cache;
    }
    List<String> cached =
        order.stream().filter(id -> previous.containsKey(signatures.get(id))).toList();
    messages.cached(run, cached);
    Map<String, CachedNode> nextCache = new HashMap<>();
    for (String id : cached) {
      CachedNode node = previous.get(signatures.get(id));
      nextCache.put(signatures.get(id), node);
      run.values.put(id, node.outputs());
      if (node.ui() != null) {
        messages.executed(run, id, node.ui());
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
    messages.success(run);
    runLog.succeeded(job);
  }

  /** Runs one node; null when the prompt stopped there (error, interrupt, crash). */
  private @Nullable CachedNode runNode(
      PromptRun run, String id, String signature, List<String> cached) throws InterruptedException {
    PromptQueue.Job job = run.job;
    JsonNode node = job.prompt().get(id);
    String classType = node.path("class_type").asString();
    if (interrupted(job)) {
      messages.interrupted(run, id, classType);
      return null;
    }
    messages.executing(run, id);
    Faults.PlannedError planned = faults.takeErrorFor(classType);
    NodeCatalog.NodeDef def = catalog.get(classType).orElseThrow();
    NodeBehaviour.Executed result;
    try {
      result = NodeBehaviours.of(def).run(inputs(run, def, node), new Context(run, id, signature));
    } catch (NodeBehaviour.NodeFailure failure) {
      fail(run, id, classType, failure.exceptionType, failure.getMessage(), cached);
      return null;
    } catch (RuntimeException e) {
      log.warn("simulated node {} ({}) failed", id, classType, e);
      fail(run, id, classType, "RuntimeError", String.valueOf(e.getMessage()), cached);
      return null;
    }
    int steps = result.steps();
    for (int step = 1; step <= steps; step++) {
      faults.awaitNotHung(() -> queue.isCurrent(run.epoch) && !interrupted(job));
      if (!queue.isCurrent(run.epoch)) {
        return null;
      }
      if (interrupted(job)) {
        messages.interrupted(run, id, classType);
        return null;
      }
      if (planned != null && step > steps / 2) {
        break;
      }
      Thread.sleep(Math.max(0, Math.round(1000.0 / stepsPerSecond)));
      messages.progress(run, id, step, steps);
      if (previews) {
        messages.preview(run, id, ImageRenderer.jpegPreview(signature, step, steps), false);
      }
    }
    if (steps == 0) {
      faults.awaitNotHung(() -> queue.isCurrent(run.epoch) && !interrupted(job));
    }
    if (planned != null) {
      fail(run, id, classType, planned.exceptionType(), planned.message(), cached);
      return null;
    }
    run.values.put(id, result.outputs());
    if (result.ui() != null) {
      messages.executed(run, id, result.ui());
    }
    messages.finished(run, id);
    return new CachedNode(result.outputs(), result.ui());
  }

  private void fail(
      PromptRun run,
      String id,
      String classType,
      String exceptionType,
      String message,
      List<String> cached) {
    if (exceptionType.contains("OutOfMemoryError")) {
      // ComfyUI unloads every model after an OOM: the next run starts cold.
      forgetCache();
    }
    messages.error(run, id, classType, exceptionType, message, cached);
  }

  /** The node's literal inputs and, for its links, the values of the nodes they come from. */
  private static NodeInputs inputs(PromptRun run, NodeCatalog.NodeDef def, JsonNode node) {
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

  /** What a node sees of its run. */
  private final class Context implements NodeBehaviour.NodeRun {
    private final PromptRun run;
    private final String id;
    private final String signature;

    Context(PromptRun run, String id, String signature) {
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
      messages.progress(run, id, index, total);
      messages.preview(run, id, png, true);
    }
  }
}
