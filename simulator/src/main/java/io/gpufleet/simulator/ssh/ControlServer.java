package io.gpufleet.simulator.ssh;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback socket through which the sandbox's python shim reports ComfyUI's life. The shim
 * sends {@code STARTED <containerPort> <pid> <dir>}, gets {@code OK} (or {@code ERR reason}) and
 * then keeps the connection open while it runs: the connection's end, however the process died,
 * means ComfyUI stopped.
 */
final class ControlServer implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

  private final SshSimulatorConfig config;
  private final ServerSocket socket;
  private final Map<Integer, Socket> running = new ConcurrentHashMap<>();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Set<Thread> handlers = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closed;

  ControlServer(SshSimulatorConfig config) throws IOException {
    this.config = config;
    this.socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "ssh-sim-control-" + socket.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket connection = socket.accept();
        connections.add(connection);
        Thread handler =
            new Thread(
                () -> {
                  try {
                    serve(connection);
                  } finally {
                    handlers.remove(Thread.currentThread());
                  }
                },
                "ssh-sim-control-connection");
        handler.setDaemon(true);
        handlers.add(handler);
        handler.start();
      } catch (IOException e) {
        if (!closed) {
          log.warn("control socket failed", e);
        }
        return;
      }
    }
  }

  private void serve(Socket connection) {
    try (connection) {
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      String[] parts = line == null ? new String[0] : line.split(" ", 4);
      if (parts.length < 2 || !parts[0].equals("STARTED")) {
        reply(connection, "ERR unknown request");
        return;
      }
      int containerPort = Integer.parseInt(parts[1]);
      String refusal = start(containerPort, connection);
      if (refusal != null) {
        reply(connection, "ERR " + refusal);
        return;
      }
      try {
        reply(connection, "OK");
        // Nothing more is sent: this returns when the ComfyUI process ends or we close.
        while (in.read() >= 0) {
          // ignore
        }
      } finally {
        running.remove(containerPort, connection);
        config.hooks().comfyStopped();
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.debug("control connection ended: {}", e.toString());
      }
    } finally {
      connections.remove(connection);
    }
  }

  private @Nullable String start(int containerPort, Socket connection) {
    if (running.putIfAbsent(containerPort, connection) != null) {
      return "Address already in use";
    }
    try {
      config.hooks().comfyStarted(config.hostPort(containerPort));
      return null;
    } catch (RuntimeException e) {
      running.remove(containerPort, connection);
      log.warn("ComfyUI start hook failed", e);
      return String.valueOf(e.getMessage());
    }
  }

  private static void reply(Socket connection, String line) throws IOException {
    OutputStream out = connection.getOutputStream();
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Closes every connection and waits (briefly) until the hooks have heard of each end. */
  @Override
  public void close() throws IOException {
    closed = true;
    socket.close();
    for (Socket connection : connections) {
      connection.close();
    }
    for (Thread handler : handlers) {
      try {
        handler.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
