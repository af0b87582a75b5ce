package io.gpufleet.api.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

class GenerationPipelineIT extends IntegrationTest {

  @Autowired ServerRepository servers;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<String> submitted = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();

  @Autowired JdbcTemplate jdbc;

  /**
   * Generations other classes of this shared context left waiting (submitted with no server up)
   * would take these tests' servers, and their slots, the moment they come up.
   */
  @BeforeEach
  void noForeignQueue() {
    jdbc.update("UPDATE generations SET status = 'CANCELLED' WHERE status = 'QUEUED'");
  }

  /** Out of routing for the next test; by SQL, as probes and the reconciler touch these rows. */
  /** Nothing of a test may still run into the next one's servers (and, say, take its OOM). */
  @AfterEach
  void retireServers() {
    for (String id : submitted) {
      post("/api/v1/generations/" + id + "/cancel", ADMIN_KEY, "");
    }
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void aSubmittedGenerationCompletesWithADownloadablePng() {
    server("png", 20);
    TestUser user = newUser("USER");

    HttpResponse<String> created =
        post("/api/v1/generations", user.key(), "{\"prompt\":\"a red fox\",\"steps\":4}");

    assertThat(created.statusCode()).isEqualTo(202);
    JsonNode body = json(created);
    submitted.add(body.path("id").asString());
    assertThat(body.path("status").asString()).isEqualTo("QUEUED");
    assertThat(body.has("queuePosition")).isTrue();
    assertThat(body.path("seed").asLong()).isNotEqualTo(-1L);
    assertThat(body.path("inputs").path("prompt").asString()).isEqualTo("a red fox");
    assertThat(body.path("inputs").path("steps").asInt()).isEqualTo(4);
    assertThat(body.path("links").path("self").asString()).contains(body.path("id").asString());
    String id = body.path("id").asString();

    JsonNode done = awaitFinal(user, id);
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(done.path("progress").asInt()).isEqualTo(100);
    assertThat(done.path("outputs").get(0).path("contentType").asString()).isEqualTo("image/png");
    HttpResponse<byte[]> png =
        send(
            request(done.path("outputs").get(0).path("url").asString())
                .header("Authorization", "Bearer " + user.key())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/png");
    assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

    JsonNode snapshot = json(get("/api/v1/generations/" + id + "/workflow", user.key()));
    assertThat(snapshot.path("6").path("inputs").path("text").asString()).isEqualTo("a red fox");
    assertThat(snapshot.path("3").path("inputs").path("seed").asLong())
        .isEqualTo(body.path("seed").asLong());
  }

  @Test
  void unknownInputsAndValuesOutOfRangeAreFieldErrors() {
    TestUser user = newUser("USER");

    HttpResponse<String> refused =
        post("/api/v1/generations", user.key(), "{\"steps\":0,\"inputs\":{\"99/nope\":1}}");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(json(refused).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    assertThat(json(refused).path("errors").toString()).contains("inputs.99/nope", "inputs.steps");
  }

  @Test
  void aSamplerNoServerOffersIsRefusedAtSubmitWithTheOfferedNames() {
    server("sampler-names", 20);
    TestUser user = newUser("USER");

    HttpResponse<String> refused =
        post(
            "/api/v1/generations",
            user.key(),
            pinned("{\"sampler\":\"no_such_sampler\",\"steps\":2}"));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    JsonNode problem = json(refused);
    assertThat(problem.path("code").asString()).isEqualTo("VALIDATION_ERROR");
    assertThat(problem.path("errors").findValuesAsString("field")).contains("sampler");
    assertThat(problem.path("errors").get(0).path("message").asString())
        .contains("no_such_sampler")
        .contains("euler");
  }

  @Test
  void anErrorOfTheWorkflowOnTheServerFailsWithoutRetry() {
    server("validation", 20)
        .failNextPrompt("KSampler", "ValueError", "sampler says no: invalid sigma schedule");
    TestUser user = newUser("USER");

    String id = submit(user, pinned("{\"steps\":2}"));

    JsonNode done = awaitFinal(user, id);
    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("attempts").asInt()).isEqualTo(1);
    assertThat(done.path("error").path("nodeId").asString()).isEqualTo("3");
    assertThat(done.path("error").path("message").asString()).contains("invalid sigma schedule");
  }

  @Test
  void anOutOfMemoryErrorIsRetried() {
    ComfySimulator sim = server("oom", 20);
    sim.failNextPromptWithOutOfMemory();
    TestUser user = newUser("USER");

    String id = submit(user, pinned("{\"steps\":4}"));

    JsonNode done = awaitFinal(user, id);
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(done.path("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void queuedAndRunningGenerationsCanBeCancelled() {
    ComfySimulator sim = server("cancel", 2);
    TestUser user = newUser("USER");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(submit(user, pinned("{\"steps\":500}")));
    }
    await(() -> status(user, ids.get(0)).equals("RUNNING"));
    String queued = ids.get(4);
    assertThat(status(user, queued)).isEqualTo("QUEUED");

    assertThat(post("/api/v1/generations/" + queued + "/cancel", user.key(), "").statusCode())
        .isEqualTo(200);
    for (String id : ids.subList(0, 4)) {
      post("/api/v1/generations/" + id + "/cancel", user.key(), "");
    }

    assertThat(status(user, queued)).isEqualTo("CANCELLED");
    assertThat(status(user, ids.get(0))).isEqualTo("CANCELLED");
    await(() -> sim.queueRemaining() == 0);
  }

  @Test
  void theEleventhGenerationInAMinuteIsRefused() {
    server("limits", 50);
    TestUser user = newUser("USER");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      HttpResponse<String> answer = post("/api/v1/generations", user.key(), "{\"steps\":1}");
      statuses.add(answer.statusCode());
      if (answer.statusCode() == 202) {
        submitted.add(json(answer).path("id").asString()); // not left to take other tests' servers
      }
    }
    assertThat(statuses.subList(0, 10)).containsOnly(202);
    assertThat(statuses.get(10)).isEqualTo(429);
  }

  @Test
  void generationsSpreadOverTwoServersAndSurviveACrash() {
    ComfySimulator first = server("spread-a", 10);
    server("spread-b", 10);
    TestUser user = newUser("USER");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ids.add(submit(user, "{\"steps\":20}"));
    }
    UUID firstId = serverIds.get(0);
    await(
        () ->
            ids.stream()
                .anyMatch(
                    id ->
                        firstId.toString().equals(generation(user, id).path("serverId").asString())
                            && generation(user, id).path("progress").asInt() > 0));
    first.crash();

    Set<String> usedServers = new HashSet<>();
    for (String id : ids) {
      JsonNode done = awaitFinal(user, id);
      assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
      usedServers.add(done.path("serverId").asString());
    }
    assertThat(usedServers).hasSize(2);
    assertThat(ids.stream().map(id -> generation(user, id).path("attempts").asInt())).contains(2);
  }

  @Test
  void aServerIsGivenOnlyItsSlotsAndPrefetchTheRestWaitUnboundInThePlatform() {
    ComfySimulator sim = server("late", 2);
    String serverId = serverIds.get(serverIds.size() - 1).toString();
    HttpResponse<String> noPrefetch =
        method("PATCH", "/api/v1/servers/" + serverId, ADMIN_KEY, "{\"prefetch\":0}");
    assertThat(noPrefetch.statusCode()).as(noPrefetch.body()).isEqualTo(200);
    assertThat(json(noPrefetch).path("prefetch").asInt()).isZero();
    assertThat(json(noPrefetch).path("slots").asInt()).isEqualTo(1);
    TestUser user = newUser("USER");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ids.add(submit(user, pinned("{\"steps\":400}")));
    }

    await(() -> status(user, ids.get(0)).equals("RUNNING") && sim.queueRemaining() == 1);
    assertThat(ids.subList(1, 3))
        .as("bound to no server until it is free")
        .allSatisfy(
            id -> {
              JsonNode g = generation(user, id);
              assertThat(g.path("status").asString()).isEqualTo("QUEUED");
              assertThat(g.path("serverId").isNull() || g.path("serverId").isMissingNode())
                  .isTrue();
            });

    assertThat(
            method("PATCH", "/api/v1/servers/" + serverId, ADMIN_KEY, "{\"prefetch\":1}")
                .statusCode())
        .isEqualTo(200);
    await(() -> status(user, ids.get(1)).equals("RUNNING") && sim.queueRemaining() == 2);
    assertThat(status(user, ids.get(2))).isEqualTo("QUEUED");
  }

  @Test
  void slotsAndPrefetchOutOfRangeAreFieldErrors() {
    server("capacity", 20);
    String serverId = serverIds.get(serverIds.size() - 1).toString();
    for (String body : List.of("{\"slots\":0}", "{\"slots\":17}", "{\"prefetch\":-1}")) {
      HttpResponse<String> refused =
          method("PATCH", "/api/v1/servers/" + serverId, ADMIN_KEY, body);
      assertThat(refused.statusCode()).as(body).isEqualTo(400);
      assertThat(json(refused).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    }
  }

  @Test
  void aFinishedRunTeachesRoutingItsServersSpeed() {
    server("measured", 20);
    UUID serverId = serverIds.get(serverIds.size() - 1);
    TestUser user = newUser("USER");
    String id = submit(user, pinned("{\"steps\":10}"));
    assertThat(awaitFinal(user, id).path("status").asString()).isEqualTo("COMPLETED");

    await(
        () ->
            jdbc.queryForObject(
                    "SELECT count(*) FROM server_speeds WHERE server_id = ?", Long.class, serverId)
                == 1);
    double speed =
        jdbc.queryForObject(
            "SELECT work_per_second FROM server_speeds WHERE server_id = ?",
            Double.class,
            serverId);
    // 10 steps at 512x512 are 10 units; the simulator samples at most 20 steps a second
    assertThat(speed).isPositive().isLessThanOrEqualTo(20 * 1.05);
  }

  // --- helpers -----------------------------------------------------------------------------

  private ComfySimulator server(String name, double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            name + "-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverIds.add(s.getId());
    return sim;
  }

  /** Pinned to the test's own (last) server, so no other test's leftover server can take it. */
  private String pinned(String body) {
    return body.replaceFirst(
        "^\\{", "{\"serverId\":\"" + serverIds.get(serverIds.size() - 1) + "\",");
  }

  private String submit(TestUser user, String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();
    submitted.add(id);
    return id;
  }

  private JsonNode generation(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key()));
  }

  private String status(TestUser user, String id) {
    return generation(user, id).path("status").asString();
  }

  private JsonNode awaitFinal(TestUser user, String id) {
    await(() -> Set.of("COMPLETED", "FAILED", "CANCELLED").contains(status(user, id)));
    return generation(user, id);
  }
}
