package io.gpufleet.simulator.vast;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Vast.ai simulator: the subset of the REST API GPU Fleet uses, on a real socket, plus
 * faults on demand. Close it to stop.
 */
public final class VastSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VastSimulator.class);

  private final VastSimulatorConfig config;
  private final HttpServer server;
  private final ExecutorService workers;
  private final @Nullable ScheduledExecutorService ticker;
  private final VastWorld world;
  private final Faults faults;

  private VastSimulator(
      VastSimulatorConfig config,
      HttpServer server,
      ExecutorService workers,
      @Nullable ScheduledExecutorService ticker,
      VastWorld world,
      Faults faults) {
    this.config = config;
    this.server = server;
    this.workers = workers;
    this.ticker = ticker;
    this.world = world;
    this.faults = faults;
  }

  public static VastSimulator start(VastSimulatorConfig config) {
    VastWorld world = new VastWorld(config);
    Faults faults = new Faults();
    VastHttp http = new VastHttp(world, faults, config);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind " + config.host() + ":" + config.port(), e);
    }
    ExecutorService workers = Executors.newFixedThreadPool(16, daemon("vast-sim-http"));
    server.setExecutor(workers);
    server.createContext("/", http);
    server.start();
    ScheduledExecutorService ticker = null;
    if (config.tickInterval() != null) {
      long millis = Math.max(1, config.tickInterval().toMillis());
      ticker = Executors.newSingleThreadScheduledExecutor(daemon("vast-sim-tick"));
      ticker.scheduleWithFixedDelay(
          () -> {
            try {
              world.advanceAll();
            } catch (RuntimeException e) {
              log.warn("advancing simulated instances failed", e);
            }
          },
          millis,
          millis,
          TimeUnit.MILLISECONDS);
    }
    VastSimulator simulator = new VastSimulator(config, server, workers, ticker, world, faults);
    http.baseUrl(simulator.baseUrl());
    log.info("Vast.ai simulator listening on {}", simulator.baseUrl());
    return simulator;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public String baseUrl() {
    return "http://" + config.host() + ":" + port();
  }

  /** The one key this simulator accepts (Bearer header or {@code ?api_key=}). */
  public String apiKey() {
    return config.apiKey();
  }

  /** The next {@code calls} API calls answer 429, with a JSON or plain-text body. */
  public void rateLimitNext(int calls, boolean jsonBody) {
    faults.rateLimitNext(calls, jsonBody);
  }

  /** The next {@code calls} API calls answer this 5xx status. */
  public void failNext(int calls, int status) {
    faults.failNext(calls, status);
  }

  /** The next {@code calls} API answers wait this long first (negative calls: all of them). */
  public void delayNext(int calls, Duration delay) {
    faults.delayNext(calls, delay);
  }

  /**
   * The next {@code rents} rents are carried out (the instance exists at once) but answered only
   * {@code hold} later: a client that times out first has rented without hearing of it.
   */
  public void loseRentAnswers(int rents, Duration hold) {
    faults.loseRentAnswers(rents, hold);
  }

  /** Rents carried out whose answer was held by {@link #loseRentAnswers}, since the start. */
  public int rentAnswersLost() {
    return faults.rentAnswersLost();
  }

  public void clearFaults() {
    faults.clear();
  }

  /** Someone else rents the GPU of this stopped instance: starting it then stays "scheduling". */
  public void takeGpu(long instanceId) {
    world.takeGpu(instanceId);
  }

  /** The GPU is free again; a scheduling instance starts loading. */
  public void releaseGpu(long instanceId) {
    world.releaseGpu(instanceId);
  }

  /** The host disconnects: {@code actual_status} becomes "offline" and the ports go away. */
  public void goOffline(long instanceId) {
    world.goOffline(instanceId);
  }

  /** The container exits with this status message (e.g. an OCI runtime error). */
  public void crashContainer(long instanceId, String statusMessage) {
    world.crash(instanceId, statusMessage);
  }

  /** Applies every timed state change due by the configured clock now. */
  public void advance() {
    world.advanceAll();
  }

  /** The instances as the API would show them. */
  public List<Map<String, Object>> instances() {
    return world.snapshot();
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    server.stop(0);
    workers.shutdownNow();
  }

  @Override
  public String toString() {
    return "VastSimulator[" + baseUrl() + "]";
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + n.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
