package io.gpufleet.api.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A postmaster left running on our data directory by a platform that died without stopping it (a
 * {@code kill -9}, an OOM kill, a power cut of the JVM only). Its lock file would make the next
 * start fail; it is asked for a fast shutdown first (active transactions roll back, everything
 * committed stays), then the platform starts it afresh with its own settings.
 */
final class StalePostmaster {

  private static final Logger log = LoggerFactory.getLogger(StalePostmaster.class);

  private StalePostmaster() {}

  /** Stops the postmaster that holds {@code dataDirectory}, if one is running; waits for it. */
  static void stopIfRunning(Path dataDirectory, Duration patience) throws IOException {
    Optional<ProcessHandle> postmaster = find(dataDirectory);
    if (postmaster.isEmpty()) {
      return;
    }
    ProcessHandle process = postmaster.get();
    log.warn(
        "A PostgreSQL (pid {}) from an earlier run still holds {}: stopping it before this start",
        process.pid(),
        dataDirectory);
    signal(process.pid(), "INT");
    try {
      process.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "The PostgreSQL left running on "
              + dataDirectory
              + " (pid "
              + process.pid()
              + ") did not stop within "
              + patience
              + "; stop it and start again",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while stopping a stale PostgreSQL", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The live postmaster named by the data directory's {@code postmaster.pid}: only a process that
   * is a PostgreSQL server for this very directory counts (the pid may have been reused since).
   */
  static Optional<ProcessHandle> find(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    String first =
        Files.readAllLines(pidFile, StandardCharsets.US_ASCII).stream().findFirst().orElse("");
    long pid;
    try {
      pid = Long.parseLong(first.strip());
    } catch (NumberFormatException e) {
      return Optional.empty(); // half-written: PostgreSQL itself replaces such a file
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> servesDirectory(pid, dataDirectory));
  }

  private static boolean servesDirectory(long pid, Path dataDirectory) {
    try {
      String commandLine =
          new String(
                  Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                  StandardCharsets.UTF_8)
              .replace('\0', ' ');
      return commandLine.contains("postgres") && commandLine.contains(dataDirectory.toString());
    } catch (IOException e) {
      return false; // not Linux, or gone: nothing of ours to stop
    }
  }

  /** Sends a signal by name; PostgreSQL's shutdown modes are chosen by the signal. */
  static void signal(long pid, String name) throws IOException {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
      kill.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while signalling " + pid, e);
    }
  }
}
