package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.node.ObjectNode;

/**
 * A ComfyUI server on a real port: HTTP and WebSocket like ComfyUI 0.3.64, one prompt at a time,
 * deterministic PNG outputs, and faults on demand. Start with {@link #start}, stop with {@link
 * #close}.
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
  private final Faults faults = new Faults();
  private final Path dataDir;
  private final Server server;
  private final ServerConnector connector;
  private final Thread worker;
  private final ScheduledExecutorService timers;
  private final Clock clock = Clock.systemUTC();
  private int port;

  private ComfySimulator(ComfySimulatorConfig config) throws IOException {
    this.config = config;
    this.dataDir =
        config.dataDir() != null ? config.dataDir() : Files.createTempDirectory("comfy-sim");
    this.models = new ModelRegistry(config.models());
    this.files = new FileStore(dataDir);
    this.catalog = new NodeCatalog(models, files::inputImages);
    this.validator = new PromptValidator(catalog);
    this.hub = new WsHub(queue::remaining, this::features);
    this.runner =
        new PromptRunner(
            queue, hub, files, faults, clock, config.stepsPerSecond(), config.previews());
    this.worker = new Thread(runner, "comfy-sim-worker");
    worker.setDaemon(true);
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "comfy-sim-timers");
              t.setDaemon(true);
              return t;
            });

    QueuedThreadPool threads = new QueuedThreadPool(64, 4);
    threads.setName("comfy-sim-http");
    this.server = new Server(threads);
    this.connector = new ServerConnector(server);
    connector.setHost(config.host());
    connector.setPort(config.port());
    connector.setReuseAddress(true);
    connector.setIdleTimeout(Duration.ofHours(1).toMillis());
    server.addConnector(connector);
    ContextHandler context = new ContextHandler("/");
    WebSocketUpgradeHandler ws =
        WebSocketUpgradeHandler.from(
            server,
            context,
            container -> {
              container.setIdleTimeout(Duration.ofHours(24));
              container.setMaxBinaryMessageSize(HttpApi.MAX_BODY);
              container.setMaxTextMessageSize(HttpApi.MAX_BODY);
              for (String path : new String[] {"/ws", "/api/ws"}) {
                container.addMapping(
                    path,
                    (req, resp, cb) ->
                        hub.newSocket(Request.extractQueryParameters(req).getValue("clientId")));
              }
            });
    ws.setHandler(new HttpApi(this));
    context.setHandler(ws);
    server.setHandler(new SlowStart(context));
  }

  /** Starts listening (the given port, or a free one for 0) and the worker. */
  public static ComfySimulator start(ComfySimulatorConfig config) {
    try {
      ComfySimulator sim = new ComfySimulator(config);
      sim.server.start();
      sim.port = sim.connector.getLocalPort();
      // Re-opening after refuseConnections must come back on the same port.
      sim.connector.setPort(sim.port);
      sim.worker.start();
      return sim;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("could not start the ComfyUI simulator", e);
    }
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

  /** Like a process restart: every socket drops, queue and history are forgotten, temp wiped. */
  public void crash() {
    queue.forgetEverything();
    hub.dropAll();
    runner.forgetCache();
    files.wipeTemp();
    faults.clear();
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
    timers.schedule(this::refuseConnections, 50, TimeUnit.MILLISECONDS);
    timers.schedule(this::acceptConnections, 50 + duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    try {
      hub.dropAll();
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      worker.interrupt();
      timers.shutdownNow();
      faults.clear();
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

  /** Holds requests while a slow start is in effect, like a server still loading. */
  private final class SlowStart extends Handler.Wrapper {
    SlowStart(Handler inner) {
      super(inner);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      Instant until = faults.unresponsiveUntil();
      if (until != null) {
        long wait = Duration.between(Instant.now(clock), until).toMillis();
        if (wait > 0) {
          Thread.sleep(wait);
        }
      }
      return super.handle(request, response, callback);
    }
  }
}
