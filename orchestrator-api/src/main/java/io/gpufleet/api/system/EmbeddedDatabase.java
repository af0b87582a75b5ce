package io.gpufleet.api.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run mode's own PostgreSQL: a real server started from a Maven artifact on {@code <data
 * dir>/postgres}, durable ({@link EmbeddedPostgresSettings}), safe to start after a crash (a
 * postmaster left behind is stopped first) and never outliving its JVM: the library starts the
 * postmaster detached and stops it from a shutdown hook, which a {@code kill -9} never runs, so a
 * {@link Lifeline} asks it for a fast shutdown when the JVM is gone.
 */
final class EmbeddedDatabase implements Closeable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration STALE_SHUTDOWN = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;

  /** Stops the postmaster $1 if it is still the PostgreSQL of data directory $2. */
  private static final String FAST_SHUTDOWN =
      "if grep -qa -- \"$2\" \"/proc/$1/cmdline\" 2>/dev/null; then kill -INT \"$1\"; fi\n";

  private final Lifeline watchdog;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Lifeline watchdog) {
    this.postgres = postgres;
    this.watchdog = watchdog;
  }

  static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
    Files.createDirectories(dataDirectory);
    StalePostmaster.stopIfRunning(dataDirectory, STALE_SHUTDOWN);
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setPort(port)
            // the Spring context stops it, after everything that uses it
            .setRegisterShutdownHook(false);
    EmbeddedPostgresSettings.durable().forEach(builder::setServerConfig);
    EmbeddedPostgres postgres = builder.start();
    long pid =
        StalePostmaster.find(dataDirectory)
            .map(ProcessHandle::pid)
            .orElseThrow(() -> new IOException("the embedded PostgreSQL wrote no postmaster.pid"));
    Lifeline watchdog =
        Lifeline.start(
            "gpufleet-postgres-watchdog",
            FAST_SHUTDOWN,
            Long.toString(pid),
            dataDirectory.toString());
    log.info(
        "Started the embedded PostgreSQL (pid {}) on port {} with its data in {}",
        pid,
        postgres.getPort(),
        dataDirectory);
    return new EmbeddedDatabase(postgres, watchdog);
  }

  EmbeddedPostgres postgres() {
    return postgres;
  }

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      watchdog.close();
    }
  }
}
