package io.gpufleet.cluster;

import io.gpufleet.testing.JdbcCoordinates;
import io.gpufleet.testing.PlatformProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.jspecify.annotations.Nullable;

/**
 * The multi-replica suite's own PostgreSQL: an embedded server on a fixed port with its data
 * directory under the suite's directory, kept across a stop, so that the suite can stop it and
 * start it again on the same port and data while the replicas run (the restart case). It is used
 * whether or not {@code GPUFLEET_TEST_DB_URL} names a server for the other tests: a server the
 * suite did not start is one it may not restart.
 */
final class SuiteDatabase implements AutoCloseable {

  private static final String NAME = "gpufleet";

  private final Path dataDir;
  private final int port;
  private @Nullable EmbeddedPostgres server;

  private SuiteDatabase(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** A fresh server in {@code dataDir} (which must not hold one yet) with an empty database. */
  static SuiteDatabase start(Path dataDir) {
    SuiteDatabase db = new SuiteDatabase(dataDir.toAbsolutePath(), PlatformProcess.freePort());
    db.up();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl("postgres"), "postgres", "");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + NAME);
    } catch (SQLException e) {
      db.close();
      throw new IllegalStateException("Could not create the suite's database", e);
    }
    return db;
  }

  JdbcCoordinates coordinates() {
    return new JdbcCoordinates(jdbcUrl(NAME), "postgres", "");
  }

  int port() {
    return port;
  }

  /** A fast shutdown, as an operator's restart does: open connections are ended. */
  synchronized void stop() {
    EmbeddedPostgres running = server;
    server = null;
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        throw new UncheckedIOException("Could not stop the suite's PostgreSQL", e);
      }
    }
  }

  /** The same server again: same port, same data directory, the data kept. */
  synchronized void up() {
    if (server != null) {
      return;
    }
    try {
      server =
          EmbeddedPostgres.builder()
              .setPort(port)
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              // three replicas' pools, LISTEN connections and Quartz's, with room to spare
              .setServerConfig("max_connections", "200")
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the suite's PostgreSQL", e);
    }
  }

  private String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + port + "/" + database;
  }

  @Override
  public void close() {
    stop();
  }
}
