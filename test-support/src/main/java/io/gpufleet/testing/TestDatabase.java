package io.gpufleet.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The one PostgreSQL fixture every test uses: a real server, never H2.
 *
 * <p>Where the server comes from is chosen once per JVM by {@link DatabaseSource#detect}: an
 * embedded PostgreSQL by default, Testcontainers with {@code -Dgpufleet.test.db=testcontainers}, or
 * an existing server named by {@code GPUFLEET_TEST_DB_URL}. Each JVM gets a database of its own on
 * that server, so test runs never see each other's rows, whichever source is used.
 */
public final class TestDatabase {

  private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);
  private static final Object LOCK = new Object();
  private static TestDatabase shared;

  private final DatabaseSource source;
  private final ServerAccess server;
  private final JdbcCoordinates coordinates;

  private TestDatabase(DatabaseSource source, ServerAccess server, JdbcCoordinates coordinates) {
    this.source = source;
    this.server = server;
    this.coordinates = coordinates;
  }

  /** The database shared by every test of this JVM, started on first use. */
  public static JdbcCoordinates shared() {
    synchronized (LOCK) {
      if (shared == null) {
        DatabaseSource source = DatabaseSource.detect(System.getenv(), System.getProperties());
        ServerAccess server = ServerAccess.start(source);
        shared = new TestDatabase(source, server, server.createDatabase());
        log.info("Tests use PostgreSQL from {} at {}", source.kind(), shared.coordinates.jdbcUrl());
      }
      return shared.coordinates;
    }
  }

  /** A fresh, empty database on the shared server, for a test that must start from nothing. */
  public static JdbcCoordinates newDatabase() {
    shared();
    synchronized (LOCK) {
      return shared.server.createDatabase();
    }
  }

  /** Which kind of server the shared database lives on. */
  public static DatabaseSource.Kind kind() {
    shared();
    return shared.source.kind();
  }

  /** Where a PostgreSQL server for tests comes from, and how to reach it. */
  public record DatabaseSource(Kind kind, String url, String username, String password) {

    public enum Kind {
      EMBEDDED,
      TESTCONTAINERS,
      EXTERNAL
    }

    public static DatabaseSource detect(Map<String, String> env, Properties system) {
      String url = env.get("GPUFLEET_TEST_DB_URL");
      if (url != null && !url.isBlank()) {
        return new DatabaseSource(
            Kind.EXTERNAL,
            url.strip(),
            env.getOrDefault("GPUFLEET_TEST_DB_USER", "postgres"),
            env.getOrDefault("GPUFLEET_TEST_DB_PASSWORD", "postgres"));
      }
      String wanted = system.getProperty("gpufleet.test.db", "embedded").toLowerCase(Locale.ROOT);
      return switch (wanted) {
        case "testcontainers" -> new DatabaseSource(Kind.TESTCONTAINERS, "", "", "");
        case "embedded", "" -> new DatabaseSource(Kind.EMBEDDED, "", "", "");
        default ->
            throw new IllegalArgumentException(
                "gpufleet.test.db must be 'embedded' or 'testcontainers', not '" + wanted + "'");
      };
    }

    @Override
    public String toString() {
      return "DatabaseSource[" + kind + ", " + url + ", user=" + username + "]";
    }
  }

  /** A running server and an administrative way in, to create one database per use. */
  static final class ServerAccess {
    private final JdbcCoordinates admin;

    private ServerAccess(JdbcCoordinates admin) {
      this.admin = admin;
    }

    static ServerAccess start(DatabaseSource source) {
      return switch (source.kind()) {
        case EMBEDDED -> embedded();
        case TESTCONTAINERS -> testcontainers();
        case EXTERNAL ->
            new ServerAccess(
                new JdbcCoordinates(source.url(), source.username(), source.password()));
      };
    }

    private static ServerAccess embedded() {
      // A throw-away server: the library's fast settings stay on (fsync off, synchronous_commit
      // off), because nothing here must survive a power cut. The platform's own embedded server
      // runs durably (orchestrator-api's EmbeddedPostgresSettings); never copy these settings
      // there.
      try {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
        return new ServerAccess(
            new JdbcCoordinates(postgres.getJdbcUrl("postgres", "postgres"), "postgres", ""));
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the embedded PostgreSQL for tests", e);
      }
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper when the JVM ends
    private static ServerAccess testcontainers() {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:17-alpine");
      container.start();
      return new ServerAccess(
          new JdbcCoordinates(
              container.getJdbcUrl(), container.getUsername(), container.getPassword()));
    }

    JdbcCoordinates createDatabase() {
      String name =
          "gpufleet_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection connection =
              DriverManager.getConnection(admin.jdbcUrl(), admin.username(), admin.password());
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE DATABASE " + name);
      } catch (SQLException e) {
        throw new IllegalStateException("Could not create the test database " + name, e);
      }
      return new JdbcCoordinates(
          JdbcCoordinates.withDatabase(admin.jdbcUrl(), name), admin.username(), admin.password());
    }

    private static void closeQuietly(EmbeddedPostgres postgres) {
      try {
        postgres.close();
      } catch (IOException e) {
        // the JVM is ending; nothing useful left to do with this
      }
    }
  }
}
