package io.gpufleet.simulator.ollama;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Ollama server on a real port, answering Ollama's REST API ({@code /api/chat}, {@code
 * /api/generate}, {@code /api/tags}, {@code /api/ps}, {@code /api/show}, {@code /api/pull}, {@code
 * /api/delete}, {@code /api/version}) with deterministic tokens at a configurable rate. Start with
 * {@link #start}, stop with {@link #close}.
 */
public final class OllamaSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OllamaSimulator.class);
  private static final String IDLE_INTERVAL = "sun.net.httpserver.idleInterval";

  static {
    // Ollama (Go's http.Server without an IdleTimeout) keeps idle connections open; the JDK
    // server would close them after 30 s. Read once, when the JDK server is first used.
    if (System.getProperty(IDLE_INTERVAL) == null) {
      System.setProperty(IDLE_INTERVAL, "86400");
    }
  }

  final OllamaSimulatorConfig config;
  final ModelStore models;
  final Faults faults = new Faults();
  private final InferenceRoutes inference = new InferenceRoutes(this);
  private final ModelRoutes management = new ModelRoutes(this);
  private final AdminRoutes admin = new AdminRoutes(this);
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<String, OllamaModelSpec> library = new ConcurrentHashMap<>();
  private final AtomicLong tokensServed = new AtomicLong();
  private final AtomicLong answers = new AtomicLong();
  private volatile double tokensPerSecond;
  private volatile boolean running = true;
  private @Nullable HttpServer server;
  private int port;

  private OllamaSimulator(OllamaSimulatorConfig config) {
    this.config = config;
    this.models = new ModelStore(config.models(), config.clock());
    this.tokensPerSecond = config.tokensPerSecond();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ollama-sim-http");
              t.setDaemon(true);
              return t;
            });
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ollama-sim-timers");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts listening on the configured port, or a free one for 0. */
  public static OllamaSimulator start(OllamaSimulatorConfig config) {
    OllamaSimulator sim = new OllamaSimulator(config);
    sim.listen(config.port());
    return sim;
  }

  private synchronized void listen(int onPort) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(config.host(), onPort), 64);
      http.createContext("/", this::handle);
      http.setExecutor(workers);
      http.start();
      server = http;
      port = http.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on port " + onPort, e);
    }
  }

  public int port() {
    return port;
  }

  public String baseUrl() {
    return "http://" + config.host() + ":" + port;
  }

  // ---- state

  /** A model appears at once in {@code /api/tags}, as if pulled. */
  public void addModel(OllamaModelSpec model) {
    models.add(model);
  }

  public boolean removeModel(String name) {
    return models.remove(name);
  }

  /** Names of the installed models, with tags. */
  public List<String> modelNames() {
    return models.installed().stream().map(OllamaModelSpec::name).toList();
  }

  /** Names of the models in memory now. */
  public List<String> loadedModels() {
    return models.loaded().stream().map(l -> l.model().name()).toList();
  }

  /** What a pull of {@code name} downloads; by default a small text model. */
  public void offerInLibrary(OllamaModelSpec model) {
    library.put(model.name(), model);
  }

  OllamaModelSpec pullable(String name) {
    return library.getOrDefault(name, OllamaModelSpec.pulled(name));
  }

  public void setTokensPerSecond(double rate) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("tokensPerSecond must be positive");
    }
    tokensPerSecond = rate;
  }

  double tokensPerSecond() {
    return tokensPerSecond;
  }

  /** Answers given and tokens generated so far (streamed or not). */
  public long answersServed() {
    return answers.get();
  }

  public long tokensServed() {
    return tokensServed.get();
  }

  void served(String model, int tokens) {
    answers.incrementAndGet();
    tokensServed.addAndGet(tokens);
  }

  boolean running() {
    return running;
  }

  // ---- faults

  /**
   * The next {@code times} chat, generate or pull requests answer {@code status} with Ollama's
   * {@code {"error": message}} (and a {@code Retry-After} header when given).
   */
  public void failNext(int status, String message, int times, @Nullable Long retryAfterSeconds) {
    faults.planError(new Faults.PlannedError(status, message, times, retryAfterSeconds));
  }

  public void failNext(int status, String message) {
    failNext(status, message, 1, null);
  }

  /**
   * The next streamed answer's connection ends after {@code tokens} tokens, without a done line.
   */
  public void dropNextStreamAfter(int tokens) {
    faults.dropNextStreamAfter(tokens);
  }

  /** Streams stop between tokens (and non-streamed answers wait) until {@link #resume}. */
  public void hang() {
    faults.hang();
  }

  public void resume() {
    faults.resume();
  }

  /** Requests arriving within {@code duration} are answered only when it has passed. */
  public void slowStart(Duration duration) {
    faults.unresponsiveUntil(Instant.now().plus(duration));
  }

  /** Closes the listening socket: connections are refused until {@link #acceptConnections}. */
  public synchronized void refuseConnections() {
    HttpServer http = server;
    if (http != null) {
      http.stop(0);
      server = null;
    }
  }

  public synchronized void acceptConnections() {
    if (server == null) {
      listen(port);
    }
  }

  public void refuseConnectionsFor(Duration duration) {
    timers.schedule(this::refuseConnections, 50, TimeUnit.MILLISECONDS);
    timers.schedule(this::acceptConnections, 50 + duration.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Disarms every fault and unloads every model. */
  public void reset() {
    faults.clear();
    models.unloadAll();
  }

  @Override
  public void close() {
    running = false;
    faults.clear();
    refuseConnections();
    timers.shutdownNow();
    workers.shutdownNow();
  }

  // ---- routing

  private void handle(HttpExchange http) {
    Exchange ex = new Exchange(http);
    try {
      Instant until = faults.unresponsiveUntil();
      if (until != null && until.isAfter(Instant.now())) {
        Thread.sleep(Duration.between(Instant.now(), until).toMillis());
      }
      if (ex.path.startsWith("/_sim/")) {
        admin.handle(ex);
      } else {
        route(ex);
      }
    } catch (Exchange.Dropped d) {
      throw d;
    } catch (Exchange.Failure f) {
      try {
        ex.error(f.status, f.getMessage());
      } catch (IOException ignored) {
        http.close();
      }
    } catch (IOException e) {
      http.close(); // the client went away mid-answer
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      http.close();
    } catch (RuntimeException e) {
      log.warn("simulated Ollama failed on {} {}", ex.method(), ex.path, e);
      try {
        ex.error(500, "internal error");
      } catch (IOException ignored) {
        http.close();
      }
    }
  }

  private void route(Exchange ex) throws IOException, InterruptedException {
    String method = ex.method();
    switch (ex.path) {
      case "/", "/api" -> {
        if (method.equals("GET") || method.equals("HEAD")) {
          ex.text(200, "Ollama is running");
        } else {
          ex.text(405, "405 method not allowed");
        }
      }
      case "/api/chat" -> inferenceFault(ex, "POST", () -> inference.chat(ex));
      case "/api/generate" -> inferenceFault(ex, "POST", () -> inference.generate(ex));
      case "/api/tags" -> only(ex, "GET", () -> management.tags(ex));
      case "/api/ps" -> only(ex, "GET", () -> management.ps(ex));
      case "/api/version" -> only(ex, "GET", () -> management.version(ex));
      case "/api/show" -> only(ex, "POST", () -> management.show(ex));
      case "/api/pull" -> only(ex, "POST", () -> management.pull(ex));
      case "/api/delete" -> only(ex, "DELETE", () -> management.delete(ex));
      default -> ex.text(404, "404 page not found");
    }
  }

  private interface Route {
    void run() throws IOException, InterruptedException;
  }

  private static void only(Exchange ex, String method, Route route)
      throws IOException, InterruptedException {
    if (method.equals(ex.method()) || ("GET".equals(method) && "HEAD".equals(ex.method()))) {
      route.run();
    } else {
      ex.text(405, "405 method not allowed");
    }
  }

  private void inferenceFault(Exchange ex, String method, Route route)
      throws IOException, InterruptedException {
    if (!method.equals(ex.method())) {
      ex.text(405, "405 method not allowed");
      return;
    }
    Faults.PlannedError planned = faults.takeError();
    if (planned != null) {
      if (planned.retryAfterSeconds() != null) {
        ex.http.getResponseHeaders().set("Retry-After", planned.retryAfterSeconds().toString());
      }
      ex.error(planned.status(), planned.message());
      return;
    }
    route.run();
  }
}
