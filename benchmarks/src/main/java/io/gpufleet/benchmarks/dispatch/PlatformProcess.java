package io.gpufleet.benchmarks.dispatch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The platform jar as a child process, as an operator runs it: a fresh temporary data directory (so
 * a fresh embedded PostgreSQL), {@code -Xmx512m}, a free port, an admin API key chosen here,
 * loopback allowed for registered servers (the simulators live in this process), and whatever
 * settings the phase adds ({@code --gpufleet.routing.strategy=...}). Its CPU is read from {@code
 * /proc}: the JVM's own, and the embedded PostgreSQL's (the postmaster under the data directory and
 * its backends), which are separate processes.
 */
final class PlatformProcess implements AutoCloseable {

  /** Settings every phase needs: no per-user cap of the platform itself may throttle a burst. */
  private static final List<String> COMMON =
      List.of(
          "--gpufleet.generations.max-queued-per-user=1000000",
          "--gpufleet.generations.max-running-per-user=100000",
          "--gpufleet.outbound.servers.allowed-cidrs=127.0.0.0/8",
          "--logging.level.io.gpufleet=WARN");

  private final Process process;
  private final Path dataDir;
  private final Path log;
  private final int port;
  private final String adminKey;
  private final String label;

  private PlatformProcess(
      Process process, Path dataDir, Path log, int port, String adminKey, String label) {
    this.process = process;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
    this.adminKey = adminKey;
    this.label = label;
  }

  /**
   * Starts the jar and waits until it is ready: its readiness probe UP (which follows the start-up
   * runners, among them the one that registers the admin key; {@code /api/v1/health} is UP earlier)
   * and the admin key accepted.
   */
  static PlatformProcess start(Path jar, String label, List<String> settings, Duration timeout)
      throws IOException, InterruptedException {
    Path dataDir = Files.createTempDirectory("gpufleet-bench-");
    Path log = dataDir.resolve("platform.log");
    int port = freePort();
    String adminKey = "gf_bench" + randomAlphanumeric(40);
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx512m");
    // for profiling a run, e.g.
    // GPUFLEET_BENCH_JVM_OPTS="-XX:StartFlightRecording=filename=submit.jfr"
    String extra = System.getenv("GPUFLEET_BENCH_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toString());
    command.add("--server.port=" + port);
    command.add("--gpufleet.data-dir=" + dataDir.resolve("data"));
    command.add("--gpufleet.admin.api-key=" + adminKey);
    command.add("--gpufleet.admin.password=" + randomAlphanumeric(24));
    command.addAll(COMMON);
    command.addAll(settings);
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PlatformProcess platform = new PlatformProcess(process, dataDir, log, port, adminKey, label);
    // a benchmark stopped by a signal (a timeout, Ctrl-C) must not leave its platform running
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
    long started = System.nanoTime();
    platform.awaitHealthy(timeout);
    System.err.printf(
        "[bench] platform '%s' (pid %d, port %d) up in %.1f s%n",
        label, process.pid(), port, (System.nanoTime() - started) / 1e9);
    return platform;
  }

  private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the platform exited with " + process.exitValue() + "; its log:\n" + tail(60));
      }
      try {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (health.statusCode() == 200 && health.body().contains("\"UP\"")) {
          HttpResponse<String> me =
              http.send(
                  HttpRequest.newBuilder(URI.create(baseUrl() + "/api/v1/me"))
                      .header("Authorization", "Bearer " + adminKey)
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          if (me.statusCode() == 200) {
            return;
          }
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    close();
    throw new IllegalStateException("the platform did not start in " + timeout + ":\n" + tail(60));
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  String adminKey() {
    return adminKey;
  }

  String label() {
    return label;
  }

  long pid() {
    return process.pid();
  }

  /** CPU seconds (user + system) the JVM has used so far. */
  double jvmCpuSeconds() {
    return ProcStat.cpuSeconds(process.pid());
  }

  /** CPU seconds of the embedded PostgreSQL: its postmaster and the backends alive now. */
  double postgresCpuSeconds() {
    long postmaster = ProcStat.findByCommandLine(dataDir.toString(), "postgres");
    if (postmaster < 0) {
      return 0;
    }
    double sum = ProcStat.cpuSeconds(postmaster);
    for (long child : ProcStat.children(postmaster)) {
      sum += ProcStat.cpuSeconds(child);
    }
    return sum;
  }

  /** The JVM's threads as the kernel counts them (Java threads plus the VM's own). */
  int osThreads() {
    return ProcStat.threads(process.pid());
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops the platform (SIGTERM, then SIGKILL after 30 s) and deletes its data directory. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a leftover temp directory is harmless
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String randomAlphanumeric(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < length; i++) {
      out.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return out.toString();
  }
}
