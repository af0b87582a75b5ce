package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.testing.JdbcCoordinates;
import io.gpufleet.testing.PlatformProcess;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Several platform processes from the built jar on one PostgreSQL database (the suite's own
 * embedded server, {@link SuiteDatabase}, which it can restart), with ComfyUI simulators in this
 * JVM registered through the API as servers. Each replica has its own port, data directory and log;
 * they share the database, the secrets' master key and the first admin's API key, as an operator's
 * replicas do. More replicas can join later ({@link #launch}).
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

  final SuiteDatabase postgres;
  final JdbcCoordinates database;
  final ComfyFleet fleet;

  /** In the order they were started: A, B, then any that joined later. */
  final List<Member> members = new CopyOnWriteArrayList<>();

  /** The server id each simulator was registered under, in the fleet's order. */
  final List<String> serverIds = new ArrayList<>();

  private final Path dir;
  private final List<PlatformProcess> started = new CopyOnWriteArrayList<>();

  private Replicas(SuiteDatabase postgres, ComfyFleet fleet, Path dir) {
    this.postgres = postgres;
    this.database = postgres.coordinates();
    this.fleet = fleet;
    this.dir = dir;
  }

  /** Starts {@code count} replicas at once and {@code simulators} ComfyUIs, and registers them. */
  static Replicas start(int count, int simulators, Path dir) {
    SuiteDatabase postgres = SuiteDatabase.start(dir.resolve("postgres"));
    ComfyFleet fleet;
    try {
      fleet =
          ComfyFleet.start(
              new ComfyFleet.Config(
                  simulators, 0, 20, 40, ComfySimulatorConfig.defaults().withPreviews(false)));
    } catch (RuntimeException | Error e) {
      postgres.close();
      throw e;
    }
    Replicas cluster = new Replicas(postgres, fleet, dir);
    try {
      // all at once, as a Deployment starts its pods: Flyway's lock and the first admin's unique
      // name sort out who does what first
      List<Joining> joining = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        joining.add(cluster.launch());
      }
      joining.forEach(Joining::await);
      cluster.serverIds.addAll(register(cluster.members, fleet));
      return cluster;
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** A replica whose process runs; {@link #await} makes it a member once it is ready. */
  final class Joining {
    private final String name;
    private final PlatformProcess process;

    private Joining(String name, PlatformProcess process) {
      this.name = name;
      this.process = process;
    }

    Member await() {
      process.awaitHealthy(START);
      Api api = new Api(process, ADMIN_KEY);
      // the first admin and its key are written once the application is ready
      Replicas.await(
          () -> api.get("/api/v1/me").statusCode() == 200, "the admin key on " + name, START);
      Member member = new Member(name, process, replicaId(process), api);
      members.add(member);
      return member;
    }
  }

  /**
   * Starts the next replica's process (C after A and B), built as the first ones are, and returns
   * at once: its start can overlap other work.
   */
  synchronized Joining launch() {
    int index = started.size();
    String name = String.valueOf((char) ('A' + index));
    PlatformProcess process =
        process(database, dir.resolve("replica-" + name.toLowerCase(Locale.ROOT))).start();
    started.add(process);
    return new Joining(name, process);
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
            // only ours: a sandbox replica has its simulated Ollama in the fleet too
            if (ids.contains(s.path("id").asString())
                && "HEALTHY".equals(s.path("health").asString())) {
              healthy++;
            }
          }
          return healthy == sims.size();
        },
        "every registered simulator healthy",
        Duration.ofMinutes(1));
    return ids;
  }

  /**
   * Each started process's log by replica name, members or not yet (a joining one), dead or alive.
   */
  Map<String, Path> logs() {
    Map<String, Path> logs = new LinkedHashMap<>();
    for (int i = 0; i < started.size(); i++) {
      logs.put(String.valueOf((char) ('A' + i)), started.get(i).log());
    }
    return logs;
  }

  /** How often each replica's log holds {@code text} so far, by replica name. */
  Map<String, Integer> logged(String text) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    logs()
        .forEach(
            (name, log) -> {
              try {
                String content =
                    Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
                int n = 0;
                for (int at = content.indexOf(text); at >= 0; at = content.indexOf(text, at + 1)) {
                  n++;
                }
                counts.put(name, n);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    return counts;
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
      started.forEach(PlatformProcess::close);
    } finally {
      try {
        fleet.close();
      } finally {
        postgres.close();
      }
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
