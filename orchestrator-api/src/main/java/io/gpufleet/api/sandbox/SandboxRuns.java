package io.gpufleet.api.sandbox;

import io.gpufleet.api.system.Lifeline;
import io.gpufleet.simulator.ssh.SshSimulator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sandbox's simulated servers keep their file systems: one directory per platform fleet,
 * {@code <data dir>/sandbox/<pid>-<n>}. Setup scripts start services there with {@code setsid},
 * which leave the JVM's process tree; every one carries a marker variable naming its sandbox, so
 * they can be found. A {@link Lifeline} ends them if this JVM dies without closing the fleet
 * ({@code kill -9}); and should even that have been killed, the next start ends what the dead run
 * left and removes its directory. A directory of a process that still runs (another replica on the
 * same data directory) is left alone.
 */
final class SandboxRuns implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(SandboxRuns.class);

  /** Ends every process whose marker variable $1 names a sandbox under $2. */
  private static final String END_SANDBOX_PROCESSES =
      "pids=\n"
          + "for d in /proc/[0-9]*; do\n"
          + "  if tr '\\000' '\\n' <\"$d/environ\" 2>/dev/null | grep -q \"^$1=$2/\"; then\n"
          + "    pids=\"$pids ${d#/proc/}\"\n"
          + "  fi\n"
          + "done\n"
          + "[ -n \"$pids\" ] || exit 0\n"
          + "kill -TERM $pids 2>/dev/null; sleep 2; kill -KILL $pids 2>/dev/null\n";

  private final Path workRoot;
  private final Lifeline lifeline;

  private SandboxRuns(Path workRoot, Lifeline lifeline) {
    this.workRoot = workRoot;
    this.lifeline = lifeline;
  }

  /** Clears what dead runs left under {@code sandboxes} and opens this process's directory. */
  static SandboxRuns open(Path sandboxes) throws IOException {
    Path mine = prepare(sandboxes);
    return new SandboxRuns(
        mine,
        Lifeline.start(
            "gpufleet-sandbox-watchdog",
            END_SANDBOX_PROCESSES,
            SshSimulator.PROCESS_MARKER,
            mine.toString()));
  }

  /** This process's directory, for the fleet's instances. */
  Path workRoot() {
    return workRoot;
  }

  /** After the fleet closed: nothing is left for the watchdog, which ends. */
  @Override
  public void close() throws IOException {
    lifeline.close();
  }

  private static Path prepare(Path sandboxes) throws IOException {
    Files.createDirectories(sandboxes);
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> runs = Files.newDirectoryStream(sandboxes)) {
      for (Path run : runs) {
        long owner = owner(run);
        if (owner == self
            || (owner > 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false))) {
          continue;
        }
        int ended = SshSimulator.terminateSandboxesUnder(run);
        if (ended > 0) {
          log.warn(
              "Ended {} processes of simulated servers that an earlier run left in {}", ended, run);
        }
        delete(run);
      }
    }
    return Files.createTempDirectory(sandboxes, self + "-");
  }

  private static long owner(Path run) {
    String name = run.getFileName().toString();
    try {
      return Long.parseLong(name.substring(0, Math.max(0, name.indexOf('-'))));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
