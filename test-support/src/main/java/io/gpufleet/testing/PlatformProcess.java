package io.gpufleet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The platform as a real process started from its built jar, as an operator runs it: for tests of
 * what only a whole process shows (a {@code kill -9}, SIGTERM, several replicas). Its output goes
 * to a log file whose tail is quoted when something goes wrong.
 */
public final class PlatformProcess implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final int port;
  private final Path log;

  private PlatformProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** A platform from {@code jar}; {@link Builder#start} runs it. */
  public static Builder builder(Path jar) {
    return new Builder(jar);
  }

  /** A free TCP port on loopback, for a process's HTTP or database port. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code /api/v1/health} answers 200; fails with the log's tail if it never does. */
  public PlatformProcess awaitHealthy(Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "The platform exited with " + process.exitValue() + " before it was up:\n" + logTail());
      }
      try {
        HttpResponse<Void> health =
            HTTP.send(
                HttpRequest.newBuilder(uri("/api/v1/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (health.statusCode() == 200) {
          return this;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      pause();
    }
    throw new IllegalStateException(
        "The platform was not up within " + patience + ":\n" + logTail());
  }

  /** SIGTERM, as a supervisor or {@code docker stop} sends; answers the exit code. */
  public int terminate(Duration patience) {
    process.destroy();
    return awaitExit(patience);
  }

  /** SIGKILL of the JVM alone: no shutdown hook runs, children it started are left. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /**
   * SIGKILL of the JVM and every process still in its tree at that instant, as a cgroup kill of a
   * container would end them: only what left the tree (detached daemons) survives.
   */
  public void killWithChildren() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    process.destroyForcibly();
    tree.forEach(ProcessHandle::destroyForcibly);
    awaitExit(Duration.ofSeconds(30));
    for (ProcessHandle child : tree) {
      try {
        child.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("process " + child.pid() + " did not die", e);
      }
    }
  }

  private int awaitExit(Duration patience) {
    try {
      if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "The platform did not exit within " + patience + ":\n" + logTail());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The last lines the platform printed. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  public Path log() {
    return log;
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(30));
    }
  }

  private static void pause() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** How to start one platform process. */
  public static final class Builder {
    private final Path jar;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> jvmOptions =
        new ArrayList<>(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    private int port = freePort();
    private @Nullable Path log;

    private Builder(Path jar) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(
            "No platform jar at " + jar.toAbsolutePath() + ": build it first (mvn package)");
      }
      this.jar = jar;
    }

    /** An environment variable of the process ({@code GPUFLEET_*}, {@code SPRING_*}). */
    public Builder env(String name, String value) {
      environment.put(name, value);
      return this;
    }

    public Builder jvmOption(String option) {
      jvmOptions.add(option);
      return this;
    }

    public Builder port(int httpPort) {
      this.port = httpPort;
      return this;
    }

    /** Where its output goes (appended); by default a file beside the jar. */
    public Builder log(Path file) {
      this.log = file;
      return this;
    }

    public PlatformProcess start() {
      Path output = log == null ? jar.resolveSibling("platform-" + port + ".log") : log;
      List<String> command = new ArrayList<>();
      command.add(ProcessHandle.current().info().command().orElse("java"));
      command.addAll(jvmOptions);
      command.add("-jar");
      command.add(jar.toAbsolutePath().toString());
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
      builder.environment().putAll(environment);
      builder.environment().put("PORT", Integer.toString(port));
      try {
        Files.createDirectories(output.toAbsolutePath().getParent());
        return new PlatformProcess(builder.start(), port, output);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start " + command, e);
      }
    }
  }
}
