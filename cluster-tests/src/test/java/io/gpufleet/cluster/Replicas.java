package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.testing.JdbcCoordinates;
import io.gpufleet.testing.PlatformProcess;
import io.gpufleet.testing.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Several platform processes from the built jar on one PostgreSQL database (the test fixture's
 * server, or {@code GPUFLEET_TEST_DB_URL}), with ComfyUI simulators in this JVM registered through
 * the API as servers. Each replica has its own port, data directory and log; they share the
 * database, the secrets' master key and the first admin's API key, as an operator's replicas do.
 */
final class Replicas implements AutoCloseable {

  static final Path JAR = Repo.path(ImageTest.JAR);
  static final String ADMIN_KEY = "gf_replica_suite_admin_key_0123456789";

  /** Short, so that a killed replica's generations are adopted within seconds. */
  static final Duration STALE_AFTER = Duration.ofSeconds(5);

  private static final Duration START = Duration.ofMinutes(4);
  private static final Pattern REPLICA_ID = Pattern.compile("This replica is (gpufleet-[0-9a-f]+)");

  /** One process of the platform and its id in the pipeline ({@code dispatched_by}). */
  record Member(String name, PlatformProcess process, String id, Api api) {}

  final JdbcCoordinates database;
  final ComfyFleet fleet;
  final List<Member> members;

  /** The server id each simulator was registered under, in the fleet's order. */
  final List<String> serverIds;

  private Replicas(
      JdbcCoordinates database, ComfyFleet fleet, List<Member> members, List<String> serverIds) {
    this.database = database;
    this.fleet = fleet;
    this.members = members;
    this.serverIds = serverIds;
  }

  /** Starts {@code count} replicas at once and {@code simulators} ComfyUIs, and registers them. */
  static Replicas start(int count, int simulators, Path dir) {
    JdbcCoordinates database = TestDatabase.newDatabase();
    ComfyFleet fleet =
        ComfyFleet.start(
            new ComfyFleet.Config(
                simulators, 0, 20, 40, ComfySimulatorConfig.defaults().withPreviews(false)));
    List<PlatformProcess> processes = new ArrayList<>();
    try {
      // all at once, as a Deployment starts its pods: Flyway's lock and the first admin's unique
      // name sort out who does what first
      for (int i = 0; i < count; i++) {
        processes.add(process(database, dir.resolve("replica-" + (char) ('a' + i))).start());
      }
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        PlatformProcess process = processes.get(i).awaitHealthy(START);
        Api api = new Api(process, ADMIN_KEY);
        // the first admin and its key are written once the application is ready
        await(() -> api.get("/api/v1/me").statusCode() == 200, "the admin key on " + i, START);
        members.add(new Member(String.valueOf((char) ('A' + i)), process, replicaId(process), api));
      }
      List<String> servers = register(members, fleet);
      return new Replicas(database, fleet, List.copyOf(members), servers);
    } catch (RuntimeException | Error e) {
      processes.forEach(PlatformProcess::close);
      fleet.close();
      throw e;
    }
  }

  private static PlatformProcess.Builder process(JdbcCoordinates database, Path dataDir) {
    byte[] masterKey = new byte[32];
    for (int i = 0; i < masterKey.length; i++) {
      masterKey[i] = (byte) (i * 7 + 3);
    }
    return PlatformProcess.builder(JAR)
        .jvmOption("-Xmx384m")
        .env("SPRING_DATASOURCE_URL", database.jdbcUrl())
        .env("SPRING_DATASOURCE_USERNAME", database.username())
        .env("SPRING_DATASOURCE_PASSWORD", database.password())
        .env("GPUFLEET_DATA_DIR", dataDir.toString())
        .env("GPUFLEET_SECRETS_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey))
        .env("GPUFLEET_ADMIN_API_KEY", ADMIN_KEY)
        .env("GPUFLEET_ADMIN_PASSWORD", "replica-suite-admin-password")
        // the simulators listen on loopback, which registered servers may not reach by default
        .env("GPUFLEET_OUTBOUND_SERVERS_ALLOWED_CIDRS", "127.0.0.0/8")
        .env("GPUFLEET_SCHEDULER_PROBE_INTERVAL", "1s")
        .env("GPUFLEET_GENERATIONS_STALE_AFTER", STALE_AFTER.toSeconds() + "s")
        .env("GPUFLEET_GENERATIONS_MAX_QUEUED_PER_USER", "1000")
        .log(dataDir.resolve("platform.log"));
  }

  /** From the line {@code Replica} logs at start. */
  private static String replicaId(PlatformProcess process) {
    String[] found = new String[1];
    await(
        () -> {
          try {
            Matcher m = REPLICA_ID.matcher(Files.readString(process.log(), StandardCharsets.UTF_8));
            if (m.find()) {
              found[0] = m.group(1);
            }
          } catch (IOException e) {
            return false;
          }
          return found[0] != null;
        },
        "the replica's id in its log",
        Duration.ofSeconds(10));
    return found[0];
  }

  /** Every simulator as a registered server, through alternate replicas; then all healthy. */
  private static List<String> register(List<Member> members, ComfyFleet fleet) {
    List<String> ids = new ArrayList<>();
    List<ComfySimulator> sims = fleet.simulators();
    for (int i = 0; i < sims.size(); i++) {
      Api api = members.get(i % members.size()).api();
      var created =
          api.post(
              "/api/v1/servers",
              "{\"provider\":\"static\",\"name\":\"sim-"
                  + i
                  + "\",\"comfyUrl\":\""
                  + sims.get(i).baseUrl()
                  + "\",\"pricePerHour\":0.10}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      ids.add(Api.json(created).path("id").asString());
    }
    Api first = members.get(0).api();
    await(
        () -> {
          var servers = Api.json(first.get("/api/v1/servers?size=100")).path("items");
          int healthy = 0;
          for (var s : servers) {
            if ("HEALTHY".equals(s.path("health").asString())) {
              healthy++;
            }
          }
          return healthy == sims.size();
        },
        "every registered simulator healthy",
        Duration.ofMinutes(1));
    return ids;
  }

  Member member(String id) {
    return members.stream()
        .filter(m -> m.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no replica is " + id));
  }

  // --- the database, read as the test's own witness ----------------------------------------

  List<Map<String, Object>> rows(String sql, Object... args) {
    try (Connection c =
            DriverManager.getConnection(
                database.jdbcUrl(), database.username(), database.password());
        PreparedStatement statement = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        statement.setObject(i + 1, args[i]);
      }
      List<Map<String, Object>> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        int columns = result.getMetaData().getColumnCount();
        while (result.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          for (int i = 1; i <= columns; i++) {
            row.put(result.getMetaData().getColumnLabel(i), result.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  @Nullable Object value(String sql, Object... args) {
    List<Map<String, Object>> rows = rows(sql, args);
    return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
  }

  long count(String sql, Object... args) {
    Object value = value(sql, args);
    return value == null ? 0 : ((Number) value).longValue();
  }

  @Override
  public void close() {
    try {
      members.forEach(m -> m.process().close());
    } finally {
      fleet.close();
    }
  }

  static void await(BooleanSupplier condition, String what, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": not reached within " + patience);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
