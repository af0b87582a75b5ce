package io.gpufleet.api.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.results.FullDisk;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import io.gpufleet.simulator.vast.VastSimulator;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The fault suite (issue 18): each scenario submits generations (or rents servers), injects a
 * fault, lets the platform recover and counts what a user would lose. Every count must be zero:
 *
 * <ul>
 *   <li><b>lost</b>: a generation that did not complete with a downloadable output (failed, or its
 *       output missing) once the fault is over;
 *   <li><b>duplicated</b>: a generation whose graph ran to success on more than one server (or
 *       twice on one), counted in the simulators' own logs, or that stored more outputs than made;
 *   <li><b>stuck</b>: a generation still QUEUED or RUNNING at the (generous) deadline;
 *   <li><b>5xx</b>: answers of 500 and above to the suite's API calls (a 503 {@code DATABASE_BUSY}
 *       while the pool is held is the expected answer there, counted apart).
 * </ul>
 *
 * Each scenario prints one line of counts. It runs in the shared context of the other ITs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT extends IntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");
  private static final Map<String, String> SUMMARY = new LinkedHashMap<>();

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired DataSource dataSource;
  @Autowired SandboxFleet sandbox;
  @Autowired FullDisk disk;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();
  private int serverErrors;

  @AfterEach
  void retire() {
    disk.free();
    sandbox.vast().clearFaults();
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @AfterAll
  static void summary() {
    SUMMARY.values().forEach(System.out::println);
  }

  // --- 1. ComfyUI killed and hung mid-run ------------------------------------------------------

  @Test
  @Order(1)
  void generationsOnAComfyUiKilledMidRunCompleteElsewhere() {
    ComfySimulator victim = comfy("kill-victim", 5); // 2 s a run: mid-run stays mid-run
    UUID victimId = serverIds.get(0);
    TestUser user = userWithRoom();
    List<Submitted> batch = submit(user, "kill", 12, null);

    awaitMidRun(user, batch, victimId, victim);
    ComfySimulator healthy = comfy("kill-healthy");
    victim.crash();

    Tally tally = settle(user, batch, List.of(victim, healthy));
    assertThat(retried(user, batch)).as("generations moved off the killed server").isPositive();
    report("comfy-killed", tally);
  }

  @Test
  @Order(2)
  void generationsOnAHungComfyUiCompleteElsewhereAndTheOthersAreNotHeldUp() {
    ComfySimulator victim = comfy("hang-victim", 5);
    UUID victimId = serverIds.get(0);
    TestUser user = userWithRoom();
    List<Submitted> batch = submit(user, "hang", 12, null);

    awaitMidRun(user, batch, victimId, victim);
    ComfySimulator healthy = comfy("hang-healthy");
    UUID healthyId = serverIds.get(1);
    victim.freeze();
    // while the hung server's calls wait for their timeouts, the other server's work goes on
    List<Submitted> beside = submit(user, "hang-beside", 4, healthyId);
    Tally besideTally = settle(user, beside, List.of(victim, healthy));
    Tally tally = settle(user, batch, List.of(victim, healthy));
    assertThat(retried(user, batch)).as("generations moved off the hung server").isPositive();

    // its supervisor restarts it: the held requests are dropped, and it takes work again
    victim.crash();
    await(() -> "HEALTHY".equals(victimHealth(victimId)), DEADLINE);
    List<Submitted> after = submit(user, "hang-after", 2, victimId);
    Tally afterTally = settle(user, after, List.of(victim, healthy));

    report("comfy-hung", tally.plus(besideTally).plus(afterTally));
  }

  // --- 2. Vast.ai API storms -------------------------------------------------------------------

  @Test
  @Order(3)
  void rentingThroughA429And5xxStormAndALostRentAnswerRentsOnceAndConverges() {
    VastSimulator vast = sandbox.vast();
    int lostBefore = vast.rentAnswersLost();
    vast.rateLimitNext(8, true);
    vast.failNext(8, 503);
    vast.loseRentAnswers(1, Duration.ofSeconds(5)); // the platform's Vast.ai timeout is 3 s

    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      HttpResponse<String> created =
          call(
              post(
                  "/api/v1/servers",
                  ADMIN_KEY,
                  "{\"name\":\"storm-"
                      + i
                      + "-"
                      + UUID.randomUUID().toString().substring(0, 6)
                      + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0,\"autoSetup\":false}"));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      ids.add(json(created).path("id").asString());
    }

    int stuck = 0;
    int doubleRents = 0;
    for (String id : ids) {
      JsonNode server =
          awaitValue(
              () -> json(call(get("/api/v1/servers/" + id, ADMIN_KEY))),
              s -> Set.of("RUNNING", "ERROR").contains(s.path("status").asString()),
              DEADLINE,
              "server " + id + " running");
      stuck += "RUNNING".equals(server.path("status").asString()) ? 0 : 1;
      doubleRents += Math.max(0, instancesLabelled(vast, "gpufleet-" + id) - 1);
    }
    int lost = vast.rentAnswersLost() - lostBefore;
    for (String id : ids) {
      call(method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null));
    }
    for (String id : ids) {
      awaitValue(
          () -> json(call(get("/api/v1/servers/" + id, ADMIN_KEY))).path("status").asString(),
          "DESTROYED"::equals,
          DEADLINE,
          "server " + id + " destroyed");
      assertThat(instancesLabelled(vast, "gpufleet-" + id)).as("instances left").isZero();
    }

    String line =
        "scenario vast-storm: 2 servers rented through 8x429, 8x503 and "
            + lost
            + " lost rent answer(s), double rents "
            + doubleRents
            + ", stuck "
            + stuck
            + ", 5xx "
            + serverErrors;
    SUMMARY.put("vast-storm", line);
    System.out.println(line);
    assertThat(lost).as("the storm reached a rent whose answer was lost").isEqualTo(1);
    assertThat(doubleRents).isZero();
    assertThat(stuck).isZero();
    assertThat(serverErrors).isZero();
  }

  // --- 3. The database connection pool exhausted -----------------------------------------------

  @Test
  @Order(4)
  void withEveryDatabaseConnectionTakenTheApiAnswers503AndNothingIsHalfWritten() throws Exception {
    ComfySimulator sim = comfy("db");
    UUID serverId = serverIds.get(0);
    TestUser user = userWithRoom();
    List<Submitted> batch = submit(user, "db", 10, serverId);
    awaitMidRun(user, batch, serverId, sim);
    long before = ownGenerations(user);
    String unseenKey = newKeyOf(user);

    HikariDataSource pool = (HikariDataSource) dataSource;
    List<Connection> held = new ArrayList<>();
    List<HttpResponse<String>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
        held.add(pool.getConnection());
      }
      assertThat(pool.getHikariPoolMXBean().getIdleConnections()).isZero();
      answers.add(post("/api/v1/generations", user.key(), body("db-refused", serverId)));
      answers.add(get("/api/v1/generations/" + batch.get(0).id(), user.key()));
      answers.add(get("/api/v1/servers", ADMIN_KEY));
      // a key the cache has not seen: its check reads the database in the security filter
      answers.add(get("/api/v1/me", unseenKey));
    } finally {
      for (Connection c : held) {
        try {
          c.close();
        } catch (SQLException e) {
          // given back as well as it can be
        }
      }
    }

    int busy = 0;
    for (HttpResponse<String> answer : answers) {
      if (answer.statusCode() == 503
          && "DATABASE_BUSY".equals(json(answer).path("code").asString())
          && answer.headers().firstValue("Retry-After").isPresent()) {
        busy++;
      } else if (answer.statusCode() >= 500) {
        serverErrors++;
      }
    }
    assertThat(answers)
        .as("answers while the pool was held")
        .allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isIn(503, 200));
    assertThat(answers.get(0).statusCode()).isEqualTo(503);

    // nothing of the refused submit was stored; the pool works again
    assertThat(ownGenerations(user)).isEqualTo(before);
    List<Submitted> after = submit(user, "db-after", 2, serverId);
    Tally tally = settle(user, batch, List.of(sim)).plus(settle(user, after, List.of(sim)));
    report("db-pool-exhausted", tally, ", 503 DATABASE_BUSY " + busy + " of " + answers.size());
    assertThat(busy).isPositive();
  }

  // --- 4. The disk under the results full ------------------------------------------------------

  @Test
  @Order(5)
  void withTheResultDiskFullOutputsWaitInTheSpoolAndCompleteOnceThereIsSpace() {
    ComfySimulator sim = comfy("disk");
    UUID serverId = serverIds.get(0);
    TestUser user = userWithRoom();
    int refusedBefore = disk.refusedWrites();
    disk.fill();
    List<Submitted> batch = submit(user, "disk", 10, serverId);

    // every run ends on the server; none of them completes while its output cannot be stored
    await(() -> batch.stream().allMatch(g -> succeeded(g, List.of(sim)) == 1), DEADLINE);
    await(() -> disk.refusedWrites() - refusedBefore >= batch.size(), DEADLINE);
    assertThat(batch).noneMatch(g -> "COMPLETED".equals(status(user, g)));
    disk.free();

    Tally tally = settle(user, batch, List.of(sim));
    report(
        "results-disk-full",
        tally,
        ", writes refused "
            + (disk.refusedWrites() - refusedBefore)
            + " (No space left on device)");
  }

  // --- counting ---------------------------------------------------------------------------

  /** A submitted generation and the marker its prompt text carries into the simulators. */
  private record Submitted(String id, String marker) {}

  private record Tally(int generations, int lost, int duplicated, int stuck) {
    Tally plus(Tally o) {
      return new Tally(
          generations + o.generations, lost + o.lost, duplicated + o.duplicated, stuck + o.stuck);
    }
  }

  /** Waits (up to the deadline) for every generation to end, then counts what was lost. */
  private Tally settle(TestUser user, List<Submitted> batch, List<ComfySimulator> sims) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Map<String, JsonNode> last = new LinkedHashMap<>();
    while (true) {
      for (Submitted g : batch) {
        JsonNode seen = last.get(g.id());
        if (seen == null || !FINAL.contains(seen.path("status").asString())) {
          last.put(g.id(), generation(user, g.id()));
        }
      }
      boolean allFinal =
          last.values().stream().allMatch(v -> FINAL.contains(v.path("status").asString()));
      if (allFinal || System.nanoTime() > deadline) {
        break;
      }
      sleep(200);
    }
    int lost = 0;
    int duplicated = 0;
    int stuck = 0;
    for (Submitted g : batch) {
      JsonNode v = last.get(g.id());
      String status = v.path("status").asString();
      if (!FINAL.contains(status)) {
        stuck++;
      } else if (!"COMPLETED".equals(status) || !downloadable(user, v)) {
        lost++;
      }
      if (succeeded(g, sims) > 1 || v.path("outputs").size() > 1) {
        duplicated++;
      }
    }
    return new Tally(batch.size(), lost, duplicated, stuck);
  }

  private void report(String scenario, Tally t) {
    report(scenario, t, "");
  }

  private void report(String scenario, Tally t, String extra) {
    String line =
        "scenario "
            + scenario
            + ": "
            + t.generations()
            + " generations, lost "
            + t.lost()
            + ", duplicated "
            + t.duplicated()
            + ", stuck "
            + t.stuck()
            + ", 5xx "
            + serverErrors
            + extra;
    SUMMARY.put(scenario, line);
    System.out.println(line);
    assertThat(t.lost()).as(line).isZero();
    assertThat(t.duplicated()).as(line).isZero();
    assertThat(t.stuck()).as(line).isZero();
    assertThat(serverErrors).as(line).isZero();
  }

  /** How often the generation's graph ran to success on these simulators, over their lives. */
  private static long succeeded(Submitted g, List<ComfySimulator> sims) {
    return sims.stream()
        .flatMap(s -> s.promptsSucceeded().stream())
        .filter(graph -> graph.contains(g.marker()))
        .count();
  }

  private boolean downloadable(TestUser user, JsonNode done) {
    if (done.path("outputs").size() != 1) {
      return false;
    }
    HttpResponse<byte[]> png =
        send(
            request(done.path("outputs").get(0).path("url").asString())
                .header("Authorization", "Bearer " + user.key())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    serverErrors += png.statusCode() >= 500 ? 1 : 0;
    return png.statusCode() == 200
        && png.body().length > 8
        && png.body()[0] == (byte) 0x89
        && png.body()[1] == 'P';
  }

  private int retried(TestUser user, List<Submitted> batch) {
    return (int)
        batch.stream().filter(g -> generation(user, g.id()).path("attempts").asInt() > 1).count();
  }

  private static int instancesLabelled(VastSimulator vast, String label) {
    return (int) vast.instances().stream().filter(i -> label.equals(i.get("label"))).count();
  }

  // --- helpers ----------------------------------------------------------------------------

  private ComfySimulator comfy(String name) {
    return comfy(name, 20);
  }

  /** A simulator at this speed (steps/s; a generation here takes 10 steps) as a RUNNING server. */
  private ComfySimulator comfy(String name, double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            "fault-" + name + "-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverIds.add(s.getId());
    return sim;
  }

  private TestUser userWithRoom() {
    return userWithLimits("{\"generationsPerMinute\":200,\"generationsPerHour\":2000}");
  }

  private String newKeyOf(TestUser user) {
    HttpResponse<String> key =
        post("/api/v1/users/" + user.id() + "/api-keys", ADMIN_KEY, "{\"name\":\"fresh\"}");
    assertThat(key.statusCode()).as(key.body()).isEqualTo(201);
    return json(key).path("key").asString();
  }

  private static String body(String marker, UUID pinned) {
    return "{\"prompt\":\""
        + marker
        + "\",\"steps\":10,\"seed\":-1"
        + (pinned == null ? "" : ",\"serverId\":\"" + pinned + "\"")
        + "}";
  }

  private List<Submitted> submit(TestUser user, String scenario, int count, UUID pinned) {
    List<Submitted> batch = new ArrayList<>();
    String run = UUID.randomUUID().toString().substring(0, 8);
    for (int i = 0; i < count; i++) {
      // ends with '#': no marker is the start of another
      String marker = "fault " + scenario + " " + run + " " + i + "#";
      HttpResponse<String> created =
          call(post("/api/v1/generations", user.key(), body(marker, pinned)));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      batch.add(new Submitted(json(created).path("id").asString(), marker));
    }
    return batch;
  }

  /**
   * Until the server is mid-run: one of the batch runs there and has begun to sample, and every run
   * it finished before is settled. (A server killed in the instant between a run's end and the
   * platform's reading of its history makes the platform run it again: see docs/operations.md,
   * "Under faults"; that is not the fault these scenarios are about.)
   */
  private void awaitMidRun(TestUser user, List<Submitted> batch, UUID server, ComfySimulator sim) {
    await(
        () -> {
          JsonNode running =
              json(call(get("/api/v1/generations?status=RUNNING&serverId=" + server, user.key())))
                  .path("items");
          boolean sampling = false;
          for (JsonNode g : running) {
            sampling |= g.path("progress").asInt() > 0 && g.path("progress").asInt() < 60;
          }
          return sampling
              && batch.stream()
                  .filter(g -> succeeded(g, List.of(sim)) > 0)
                  .allMatch(g -> "COMPLETED".equals(status(user, g)));
        },
        DEADLINE);
  }

  private String victimHealth(UUID serverId) {
    return json(call(get("/api/v1/servers/" + serverId, ADMIN_KEY))).path("health").asString();
  }

  private long ownGenerations(TestUser user) {
    return json(call(get("/api/v1/generations?size=1", user.key()))).path("total").asLong();
  }

  private JsonNode generation(TestUser user, String id) {
    return json(call(get("/api/v1/generations/" + id, user.key())));
  }

  private String status(TestUser user, Submitted g) {
    return generation(user, g.id()).path("status").asString();
  }

  private HttpResponse<String> call(HttpResponse<String> response) {
    if (response.statusCode() >= 500) {
      serverErrors++;
    }
    return response;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
