package io.gpufleet.api.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.testing.PlatformProcess;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The README's first command as a real process on one data directory, through the life an
 * operator's machine gives it: a durable database, a clean stop that leaves nothing running, a
 * {@code kill -9} and a start after it, and a crash that took the platform's watchdogs with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunModeProcessIT {

  private static final Path JAR = Path.of("target", "gpufleet.jar");
  private static final String ADMIN_KEY = "gf_process_test_admin_key_0123456789";
  private static final Duration START = Duration.ofSeconds(180);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dataDir;
  private final int databasePort = PlatformProcess.freePort();
  private final List<PlatformProcess> started = new ArrayList<>();
  private String userName = "";

  @Test
  @Order(1)
  void theEmbeddedDatabaseIsDurable() throws SQLException {
    PlatformProcess platform = start();
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres", "postgres", "");
        Statement statement = connection.createStatement()) {
      assertThat(show(statement, "fsync")).isEqualTo("on");
      assertThat(show(statement, "synchronous_commit")).isEqualTo("on");
      assertThat(show(statement, "full_page_writes")).isEqualTo("on");
    }
    userName = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    assertThat(
            call(
                    platform,
                    "POST",
                    "/api/v1/users",
                    "{\"username\":\"" + userName + "\",\"role\":\"USER\"}")
                .statusCode())
        .isEqualTo(201);
  }

  @Test
  @Order(2)
  void aStopEndsEveryProcessThePlatformStarted() {
    PlatformProcess platform = started.get(0);
    List<String> servers = new ArrayList<>();
    for (String name : List.of("left-a", "left-b")) {
      HttpResponse<String> created =
          call(
              platform,
              "POST",
              "/api/v1/servers",
              "{\"name\":\"" + name + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      servers.add(JSON.readTree(created.body()).path("id").asString());
    }
    for (String id : servers) {
      awaitTrue(
          () -> {
            JsonNode server =
                JSON.readTree(call(platform, "GET", "/api/v1/servers/" + id, null).body());
            return server.path("setUp").asBoolean()
                && "HEALTHY".equals(server.path("health").asString());
          },
          "server " + id + " set up");
    }
    long postmaster = postmasterPid().orElseThrow();
    List<ProcessHandle> sandbox = sandboxProcesses();
    assertThat(sandbox)
        .as("the two servers' ComfyUI services, started with setsid by their setup scripts")
        .anySatisfy(p -> assertThat(commandLine(p)).contains("run-comfyui.sh"));
    List<ProcessHandle> all = new ArrayList<>(sandbox);
    all.addAll(
        platform.isAlive()
            ? ProcessHandle.of(platform.pid()).orElseThrow().descendants().toList()
            : List.of());
    ProcessHandle.of(postmaster).ifPresent(all::add);

    assertThat(platform.terminate(Duration.ofSeconds(60))).as(platform.logTail()).isIn(0, 143);

    // a process that has exited but is not yet reaped by its new parent (a zombie) runs nothing
    waitUntil(() -> all.stream().noneMatch(RunModeProcessIT::running), Duration.ofSeconds(15));
    assertThat(all.stream().filter(RunModeProcessIT::running).map(RunModeProcessIT::describe))
        .as("processes of the platform still running after it stopped")
        .isEmpty();
    assertThat(sandboxProcesses()).isEmpty();
  }

  @Test
  @Order(3)
  void aKilledPlatformTakesItsDatabaseDownAndStartsAgain() {
    PlatformProcess second = start();
    long postmaster = postmasterPid().orElseThrow();
    second.kill();

    // the watchdog asks PostgreSQL for a fast shutdown once the JVM is gone
    awaitTrue(
        () -> ProcessHandle.of(postmaster).map(p -> !p.isAlive()).orElse(true), "postmaster down");

    PlatformProcess third = start();
    assertThat(
            JSON.readTree(call(third, "GET", "/api/v1/users?size=200", null).body()).path("items"))
        .as("the user created before the crash")
        .anySatisfy(u -> assertThat(u.path("username").asString()).isEqualTo(userName));
  }

  @Test
  @Order(4)
  void aCrashThatTookTheWatchdogsAlongStillStartsAgain() {
    PlatformProcess third = started.get(started.size() - 1);
    long postmaster = postmasterPid().orElseThrow();
    third.killWithChildren();
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive))
        .as("a postmaster that nothing stopped")
        .contains(true);

    PlatformProcess fourth = start();
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(
            JSON.readTree(call(fourth, "GET", "/api/v1/users?size=200", null).body()).path("items"))
        .anySatisfy(u -> assertThat(u.path("username").asString()).isEqualTo(userName));
    assertThat(fourth.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    assertThat(postmasterPid()).isEmpty();
  }

  @AfterAll
  void stopWhatIsLeft() {
    started.forEach(PlatformProcess::close);
    postmasterPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroy);
    sandboxProcesses().forEach(ProcessHandle::destroyForcibly);
  }

  private PlatformProcess start() {
    PlatformProcess platform =
        PlatformProcess.builder(JAR)
            .env("GPUFLEET_DATA_DIR", dataDir.toString())
            .env("GPUFLEET_EMBEDDED_DATABASE_PORT", Integer.toString(databasePort))
            .env("GPUFLEET_ADMIN_API_KEY", ADMIN_KEY)
            .env("GPUFLEET_SANDBOX_LOADING_DELAY", "300ms")
            .env("GPUFLEET_SANDBOX_TOOL_TIME_FACTOR", "0")
            .env("GPUFLEET_SCHEDULER_RECONCILE_INTERVAL", "1s")
            .env("GPUFLEET_SCHEDULER_PROBE_INTERVAL", "1s")
            .log(dataDir.resolve("platform.log"))
            .start();
    started.add(platform);
    platform.awaitHealthy(START);
    // the first admin and its key are written once the application is ready
    awaitTrue(() -> call(platform, "GET", "/api/v1/me", null).statusCode() == 200, "admin key");
    return platform;
  }

  private static String show(Statement statement, String setting) throws SQLException {
    try (ResultSet result = statement.executeQuery("SHOW " + setting)) {
      result.next();
      return result.getString(1);
    }
  }

  private HttpResponse<String> call(
      PlatformProcess platform, String method, String path, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(platform.uri(path)).header("Authorization", "Bearer " + ADMIN_KEY);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    try {
      return HTTP.send(
          request
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Optional<Long> postmasterPid() {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Processes of the simulated servers of this data directory's sandbox, wherever they run. */
  private List<ProcessHandle> sandboxProcesses() {
    String marker = SshSimulator.PROCESS_MARKER + "=" + dataDir.resolve("sandbox") + "/";
    return ProcessHandle.allProcesses()
        .filter(p -> environment(p).stream().anyMatch(e -> e.startsWith(marker)))
        .toList();
  }

  private static List<String> environment(ProcessHandle process) {
    try {
      return List.of(
          new String(
                  Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "environ")),
                  StandardCharsets.UTF_8)
              .split("\0"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  private static String commandLine(ProcessHandle process) {
    try {
      return new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline")),
              StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return false;
    }
  }

  private static String describe(ProcessHandle process) {
    return process.pid() + " " + commandLine(process);
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    if (!waitUntil(condition, Duration.ofSeconds(120))) {
      throw new AssertionError(what + " not reached within 120 s");
    }
  }

  private static boolean waitUntil(BooleanSupplier condition, Duration patience) {
    long deadline = System.nanoTime() + patience.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return true;
  }
}
