package io.gpufleet.api.system;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A shell script that runs when this JVM ends, however it ends. Shutdown hooks never run after a
 * {@code kill -9} or an OOM kill; the processes the platform starts detached (the embedded
 * PostgreSQL, the sandbox's simulated servers) would outlive it. The script's shell reads a pipe
 * whose write end only this JVM holds; the kernel closes it when the JVM ends, the read returns,
 * and the script does its work. After a clean stop, {@link #close} ends it the same way, once there
 * is nothing left for it to do.
 */
public final class Lifeline implements AutoCloseable {

  private final Process shell;
  private final OutputStream pipe;

  private Lifeline(Process shell) {
    this.shell = shell;
    this.pipe = shell.getOutputStream();
  }

  /**
   * Starts {@code script} (POSIX sh; its arguments are {@code $1}…) to run once this JVM is gone.
   */
  public static Lifeline start(String name, String script, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("sh", "-c", "cat >/dev/null\n" + script, name));
    command.addAll(List.of(args));
    Process shell =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    return new Lifeline(shell);
  }

  public long pid() {
    return shell.pid();
  }

  @Override
  public void close() throws IOException {
    pipe.close();
    try {
      if (!shell.waitFor(10, TimeUnit.SECONDS)) {
        shell.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      shell.destroyForcibly();
    }
  }
}
