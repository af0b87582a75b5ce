package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A ComfyUI server on a real port: HTTP and WebSocket like ComfyUI 0.3.64, its core node set, one
 * prompt at a time, outputs whose sizes follow the graph, and faults on demand. Start one with
 * {@link #start}, many in one process with {@link ComfyFleet#start}; stop with {@link #close}.
 */
public final class ComfySimulator implements AutoCloseable {
  static final String OOM_MESSAGE = "Allocation on device ";

  final ComfySimulatorConfig config;
  final ModelRegistry models;
  final FileStore files;
  final NodeCatalog catalog;
  final PromptValidator validator;
  final PromptQueue queue = new PromptQueue();
  final WsHub hub;
  final PromptRunner runner;
  final HttpApi http;
  private final Faults faults = new Faults();
  final RunLog runLog = new RunLog();
  private final Frozen frozen = new Frozen();
  private final Path dataDir;
  private final ComfyHost host;
  private final boolean ownsHost;
  private final ServerConnector connector;
  private final Clock clock = Clock.systemUTC();
  private final List<Consumer<ReceivedPrompt>> promptListeners = new CopyOnWriteArrayList<>();
  private volatile int port;

  /**
   * A prompt this simulator accepted into its queue.
   *
   * @param promptId its id (the caller's, or one the simulator chose)
   * @param prompt the API-format graph
   * @param at when the request reached the handler, on the wall clock
   * @param nanoTime the same moment on {@link System#nanoTime()}, for in-process latencies
   */
  public record ReceivedPrompt(String promptId, JsonNode prompt, Instant at, long nanoTime) {}

  ComfySimulator(ComfySimulatorConfig config, ComfyHost host, boolean ownsHost) throws IOException {
    this.config = config;
    this.host = host;
    this.ownsHost = ownsHost;
    this.dataDir =
        config.dataDir() != null ? config.dataDir() : Files.createTempDirectory("comfy-sim");
    this.models = new ModelRegistry(config.models());
    this.files = new FileStore(dataDir);
    this.catalog = new NodeCatalog(models, files);
    this.validator = new PromptValidator(catalog, files);
    this.hub = new WsHub(queue::remaining, this::features);
    this.runner =
        new PromptRunner(
            queue,
            hub,
            files,
            models,
            catalog,
            faults,
            runLog,
            clock,
            config.stepsPerSecond(),
            config.previews(),
            host.workers());
    this.http = new HttpApi(this);
    this.connector = host.attach(this, config.host(), config.port());
  }

  /** Starts listening (the given port, or a free one for 0), on a Jetty server of its own. */
  public static ComfySimulator start(ComfySimulatorConfig config) {
    ComfyHost host = new ComfyHost(1, "comfy-sim");
    try {
      ComfySimulator sim = new ComfySimulator(config, host, true);
      sim.listen();
      return sim;
    } catch (IOException e) {
      host.close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      host.close();
      throw e;
    }
  }

  /** Opens this simulator's port on its host. */
  void listen() {
    try {
      host.start(connector);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not start the ComfyUI simulator on " + config.host() + ":" + config.port(), e);
    }
    port = connector.getLocalPort();
    // Re-opening after refuseConnections must come back on the same port.
    connector.setPort(port);
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://" + config.host() + ":" + port;
  }

  /** output/, input/ and temp/ live here. */
  public Path dataDir() {
    return dataDir;
  }

  public Path outputDir() {
    return dataDir.resolve("output");
  }

  /** A model file appears in its folder, combos and /models at once (as if downloaded). */
  public void addModel(String folder, String name, long sizeBytes) {
    models.add(folder, name, sizeBytes);
  }

  /**
   * Also lists the files found in {@code modelsDir/<folder>/}, read at every request, as ComfyUI
   * scans its models directory: a file downloaded there shows up at once.
   */
  public void watchModelsDir(Path modelsDir) {
    models.watch(modelsDir);
  }

  public boolean removeModel(String folder, String name) {
    return models.remove(folder, name);
  }

  public void setStepsPerSecond(double stepsPerSecond) {
    if (!(stepsPerSecond > 0)) {
      throw new IllegalArgumentException("stepsPerSecond must be positive");
    }
    runner.setStepsPerSecond(stepsPerSecond);
  }

  /** The sampling speed now, in steps per second. */
  public double stepsPerSecond() {
    return runner.stepsPerSecond();
  }

  /**
   * Tells {@code listener} of every prompt accepted from now on, on the request's thread, before
   * the answer is sent (benchmarks time dispatch with it; keep it quick).
   */
  public void onPrompt(Consumer<ReceivedPrompt> listener) {
    promptListeners.add(listener);
  }

  void promptReceived(String promptId, JsonNode prompt, Instant at, long nanoTime) {
    if (!promptListeners.isEmpty()) {
      ReceivedPrompt received = new ReceivedPrompt(promptId, prompt, at, nanoTime);
      promptListeners.forEach(l -> l.accept(received));
    }
  }

  public int queueRemaining() {
    return queue.remaining();
  }

  public int connectedSockets() {
    return hub.connected();
  }

  // ---- faults

  /** The next prompt that reaches a node of {@code nodeClass} ("*": any) fails there. */
  public void failNextPrompt(String nodeClass, String exceptionType, String message) {
    faults.planError(new Faults.PlannedError(nodeClass, exceptionType, message));
  }

  /** The next KSampler runs out of GPU memory half-way, with ComfyUI's tip text; models unload. */
  public void failNextPromptWithOutOfMemory() {
    failNextPrompt("KSampler", "torch.OutOfMemoryError", OOM_MESSAGE);
  }

  /**
   * Like a process restart: every socket drops, queue and history are forgotten, temp wiped. A
   * frozen simulator is restarted too: the requests it held are dropped unanswered.
   */
  public void crash() {
    queue.forgetEverything();
    hub.dropAll();
    runner.forgetCache();
    files.wipeTemp();
    faults.clear();
    frozen.thaw();
  }

  /**
   * Wedged like a stuck process: the port still accepts connections and open WebSockets stay open
   * (their pings are still answered by the socket layer), but no HTTP request is answered (a
   * WebSocket upgrade included) and the running prompt sends nothing more, until {@link #thaw} or
   * {@link #crash}. Held requests take no thread. {@code /_sim/*} still answers.
   */
  public void freeze() {
    faults.hang();
    frozen.freeze();
  }

  /**
   * Answers again: the running prompt goes on; the requests held meanwhile are dropped (their
   * connections closed), as their callers gave up on them long ago.
   */
  public void thaw() {
    frozen.thaw();
    faults.resume();
  }

  /**
   * The graph (API format, as JSON text) of every prompt this simulator accepted, in order, over
   * its whole life: crashes do not forget them. For tests that count work across servers.
   */
  public List<String> promptsReceived() {
    return runLog.received();
  }

  /** The graphs of the prompts that ran to success here, over its whole life (as above). */
  public List<String> promptsSucceeded() {
    return runLog.succeeded();
  }

  /** The running prompt stops progressing (no events) until {@link #resume}. */
  public void hang() {
    faults.hang();
  }

  public void resume() {
    faults.resume();
  }

  /** Requests arriving within {@code duration} are answered only when it has passed. */
  public void slowStart(Duration duration) {
    faults.unresponsiveUntil(Instant.now(clock).plus(duration));
  }

  /** Closes the listening socket: connections are refused until {@link #acceptConnections}. */
  public void refuseConnections() {
    try {
      connector.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public void acceptConnections() {
    try {
      if (!connector.isStarted()) {
        connector.start();
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not listen on port " + port + " again", e);
    }
  }

  public void refuseConnectionsFor(Duration duration) {
    host.timers().schedule(this::refuseConnections, 50, TimeUnit.MILLISECONDS);
    host.timers()
        .schedule(this::acceptConnections, 50 + duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops serving: sockets drop, the running prompt stops, the port closes. */
  @Override
  public void close() {
    try {
      stopServing();
    } finally {
      if (ownsHost) {
        host.close();
      } else {
        host.detach(connector);
      }
    }
  }

  // ---- documents

  ObjectNode features() {
    ObjectNode f = Exchange.MAPPER.createObjectNode();
    f.put("supports_preview_metadata", true);
    f.put("max_upload_size", (double) HttpApi.MAX_BODY);
    return f;
  }

  ObjectNode systemStats() {
    ObjectNode out = Exchange.MAPPER.createObjectNode();
    ObjectNode system = out.putObject("system");
    long ram = 64L * 1024 * 1024 * 1024;
    system.put("os", "posix").put("ram_total", ram).put("ram_free", ram / 2);
    system.put("comfyui_version", config.comfyuiVersion());
    system.put("required_frontend_version", "1.27.10");
    system.put("installed_templates_version", "0.1.95");
    system.put("required_templates_version", "0.1.95");
    system.put("python_version", "3.12.3 (main, Apr 10 2024, 05:33:47) [GCC 13.2.0]");
    system.put("pytorch_version", "2.8.0+cu128");
    system.put("embedded_python", false);
    system
        .putArray("argv")
        .add("main.py")
        .add("--listen")
        .add("--port")
        .add(Integer.toString(port));
    long used =
        queue.running() != null ? config.vramTotalBytes() / 3 : config.vramTotalBytes() / 20;
    out.putArray("devices")
        .addObject()
        .put("name", config.gpuName())
        .put("type", "cuda")
        .put("index", 0)
        .put("vram_total", config.vramTotalBytes())
        .put("vram_free", config.vramTotalBytes() - used)
        .put("torch_vram_total", used)
        .put("torch_vram_free", used / 10);
    return out;
  }

  /** Drops every socket and stops the running prompt (what closing does before the port). */
  void stopServing() {
    frozen.thaw();
    hub.dropAll();
    queue.forgetEverything();
    faults.clear();
  }

  /** True when the request is held unanswered (frozen); the caller then leaves it alone. */
  boolean holdIfFrozen(Request request, Callback cb) {
    return frozen.hold(request, cb);
  }

  /** Holds a request while a slow start is in effect, like a server still loading. */
  void holdWhileStarting() throws InterruptedException {
    Instant until = faults.unresponsiveUntil();
    if (until != null) {
      long wait = Duration.between(Instant.now(clock), until).toMillis();
      if (wait > 0) {
        Thread.sleep(wait);
      }
    }
  }
}
