package io.gpufleet.simulator.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exec request: {@code /bin/bash -c <command>} as a real process in the sandbox, leading a
 * process group of its own (like a login session), with its streams pumped to and from the channel
 * as they come.
 */
final class SandboxCommand implements Command {

  private static final Logger log = LoggerFactory.getLogger(SandboxCommand.class);
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);
  // Output still open after the command exits belongs to something it left running.
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  private final String command;
  private final Sandbox sandbox;
  private final int controlPort;
  private final Consumer<SandboxCommand> onEnd;
  private final AtomicBoolean ended = new AtomicBoolean();
  private @Nullable InputStream in;
  private @Nullable OutputStream out;
  private @Nullable OutputStream err;
  private @Nullable ExitCallback exitCallback;
  private volatile @Nullable Process process;

  SandboxCommand(String command, Sandbox sandbox, int controlPort, Consumer<SandboxCommand> onEnd) {
    this.command = command;
    this.sandbox = sandbox;
    this.controlPort = controlPort;
    this.onEnd = onEnd;
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exitCallback = callback;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    // setsid: the process leads a new session and group, so the group can be ended as a whole.
    ProcessBuilder builder =
        new ProcessBuilder(List.of("setsid", "/bin/bash", "-c", command))
            .directory(sandbox.home().toFile());
    builder.environment().clear();
    builder.environment().putAll(sandbox.environment(env.getEnv(), controlPort));
    Process started = builder.start();
    process = started;
    env.addSignalListener((ch, signal) -> kill());

    Thread stdout = pump(started.getInputStream(), out, "out");
    Thread stderr = pump(started.getErrorStream(), err, "err");
    Thread stdin = pumpInput(started);
    Thread waiter =
        new Thread(
            () -> awaitExit(started, stdout, stderr, stdin), "ssh-sim-exec-" + started.pid());
    waiter.setDaemon(true);
    waiter.start();
  }

  private Thread pump(InputStream from, @Nullable OutputStream to, String name) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                  if (to != null && n > 0) {
                    to.write(buffer, 0, n);
                    to.flush();
                  }
                }
              } catch (IOException e) {
                log.debug("{} pump ended: {}", name, e.toString());
              }
            },
            "ssh-sim-exec-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private Thread pumpInput(Process target) {
    InputStream from = in;
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (OutputStream to = target.getOutputStream()) {
                if (from == null) {
                  return;
                }
                int n;
                while ((n = from.read(buffer)) >= 0) {
                  to.write(buffer, 0, n);
                  to.flush();
                }
              } catch (IOException e) {
                log.debug("stdin pump ended: {}", e.toString());
              }
            },
            "ssh-sim-exec-in");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private void awaitExit(Process started, Thread stdout, Thread stderr, Thread stdin) {
    int status;
    try {
      status = started.waitFor();
      long deadline = System.nanoTime() + DRAIN_AFTER_EXIT.toNanos();
      stdout.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      stderr.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 130;
    }
    stdin.interrupt();
    end();
    ExitCallback callback = exitCallback;
    if (callback != null) {
      callback.onExit(status);
    }
  }

  /** Ends the command's process group, as a real server does when the session goes away. */
  void kill() {
    Process running = process;
    if (running != null && running.isAlive()) {
      ProcessTrees.terminateGroup(running.toHandle(), KILL_GRACE);
    }
  }

  private void end() {
    if (ended.compareAndSet(false, true)) {
      onEnd.accept(this);
    }
  }

  @Override
  public void destroy(ChannelSession channel) {
    log.debug("channel closed, ending: {}", command);
    kill();
  }
}
