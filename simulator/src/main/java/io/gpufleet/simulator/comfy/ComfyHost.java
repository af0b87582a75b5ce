package io.gpufleet.simulator.comfy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.jspecify.annotations.Nullable;

/**
 * One Jetty server for one or many simulated ComfyUIs, each on a connector (port) of its own. The
 * HTTP threads, the prompt workers and the timers are shared, so many simulators fit in one
 * process: an idle one costs its selector thread and a little heap.
 */
final class ComfyHost implements AutoCloseable {
  private final Server server;
  private final ExecutorService workers;
  private final ScheduledExecutorService timers;
  private final Map<Connector, ComfySimulator> simulators = new ConcurrentHashMap<>();

  /** {@code simulators}: how many this host will serve, for the size of its thread pool. */
  ComfyHost(int simulators, String name) {
    // Each connector's selector holds a pool thread; the rest serve requests.
    QueuedThreadPool threads = new QueuedThreadPool(64 + simulators, 4);
    threads.setName(name + "-http");
    this.server = new Server(threads);
    this.workers = Executors.newCachedThreadPool(daemons(name + "-worker"));
    this.timers = Executors.newSingleThreadScheduledExecutor(daemons(name + "-timers"));
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
                    (req, resp, cb) -> {
                      ComfySimulator sim = of(req);
                      return sim == null
                          ? null
                          : sim.hub.newSocket(
                              Request.extractQueryParameters(req).getValue("clientId"));
                    });
              }
            });
    ws.setHandler(new Dispatch());
    context.setHandler(ws);
    server.setHandler(new SlowStart(context));
  }

  ExecutorService workers() {
    return workers;
  }

  ScheduledExecutorService timers() {
    return timers;
  }

  /**
   * A connector for {@code sim} on {@code host:port} (0: any free port), listening once started.
   */
  ServerConnector attach(ComfySimulator sim, String host, int port) {
    ServerConnector connector = new ServerConnector(server, 0, 1);
    connector.setHost(host);
    connector.setPort(port);
    connector.setReuseAddress(true);
    connector.setIdleTimeout(Duration.ofHours(1).toMillis());
    simulators.put(connector, sim);
    server.addConnector(connector);
    return connector;
  }

  /** Starts the server, or only {@code connector} when the server already runs. */
  void start(ServerConnector connector) throws Exception {
    if (server.isStarted()) {
      connector.start();
    } else {
      server.start();
    }
  }

  void detach(ServerConnector connector) {
    try {
      connector.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      server.removeConnector(connector);
      simulators.remove(connector);
    }
  }

  private @Nullable ComfySimulator of(Request request) {
    return simulators.get(request.getConnectionMetaData().getConnector());
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    } finally {
      workers.shutdownNow();
      timers.shutdownNow();
    }
  }

  private static ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Hands each HTTP request to the simulator of the port it came in on. */
  private final class Dispatch extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      ComfySimulator sim = of(request);
      return sim != null && sim.http.handle(request, response, callback);
    }
  }

  /** Holds requests while a simulator's slow start is in effect, like a server still loading. */
  private final class SlowStart extends Handler.Wrapper {
    SlowStart(Handler inner) {
      super(inner);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      ComfySimulator sim = of(request);
      if (sim != null
          && !Request.getPathInContext(request).startsWith("/_sim/")
          && sim.holdIfFrozen(request, callback)) {
        return true; // answered never, or dropped when it thaws
      }
      if (sim != null) {
        sim.holdWhileStarting();
      }
      return super.handle(request, response, callback);
    }
  }
}
