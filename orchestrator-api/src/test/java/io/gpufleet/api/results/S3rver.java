package io.gpufleet.api.results;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real S3-compatible server for tests, without Docker: the npm package {@code s3rver} run by
 * node, on a port of its own, its data in a directory that survives {@link #stop()} and {@link
 * #start()} (an outage, not a wipe). {@code .ci/run} installs the package into {@link #HOME}; when
 * node is there but the package is not, it is installed here the same way.
 */
final class S3rver implements AutoCloseable {

  static final String BUCKET = "gpufleet-results";
  static final String ACCESS_KEY = "S3RVER";
  static final String SECRET_KEY = "S3RVER";
  static final String VERSION = "3.7.1";

  /** Where {@code .ci/run} installs it; {@code GPUFLEET_S3RVER_DIR} points elsewhere. */
  static final Path HOME =
      Path.of(
          Optional.ofNullable(System.getenv("GPUFLEET_S3RVER_DIR"))
              .orElse(System.getProperty("user.home") + "/.cache/gpufleet/s3rver"));

  private final Path node;
  private final Path script;
  private final Path data;
  private final Path log;
  private final int port;
  private @Nullable Process process;

  private S3rver(Path node, Path script, Path data, int port) {
    this.node = node;
    this.script = script;
    this.data = data;
    this.log = data.resolveSibling(data.getFileName() + ".log");
    this.port = port;
  }

  /** The node binary on the PATH; empty when there is none (the S3 tests are then skipped). */
  static Optional<Path> node() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "node");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Starts one (installing the package first if needed) on a free port, with the bucket. */
  static S3rver start(Path node) {
    Path script = install(node);
    try {
      Path data = Files.createTempDirectory("s3rver");
      S3rver s3 = new S3rver(node, script, data, freePort());
      s3.start();
      return s3;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path install(Path node) {
    Path script = HOME.resolve("node_modules/s3rver/bin/s3rver.js");
    if (Files.exists(script)) {
      return script;
    }
    Path npm = node.resolveSibling("npm");
    try {
      Files.createDirectories(HOME);
      Process p =
          new ProcessBuilder(
                  npm.toString(),
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  HOME.toString(),
                  "s3rver@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(HOME.resolve("install.log").toFile())
              .start();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.exists(script)) {
        throw new IllegalStateException(
            "npm could not install s3rver into "
                + HOME
                + " (see install.log there; .ci/run installs it)");
      }
      return script;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** Starts it again on the same port and data: what it stored before is there. */
  synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      process =
          new ProcessBuilder(
                  List.of(
                      node.toString(),
                      script.toString(),
                      "-d",
                      data.toString(),
                      "-a",
                      "127.0.0.1",
                      "-p",
                      Integer.toString(port),
                      "--configure-bucket",
                      BUCKET))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!accepting()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("s3rver did not start; its log: " + tail());
      }
      sleep(50);
    }
  }

  /** Stops it as an outage would: connections are refused until {@link #start()}. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  @Override
  public void close() {
    stop();
  }

  private boolean accepting() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private String tail() {
    try {
      String text = Files.exists(log) ? Files.readString(log) : "";
      return text.substring(Math.max(0, text.length() - 2000));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
