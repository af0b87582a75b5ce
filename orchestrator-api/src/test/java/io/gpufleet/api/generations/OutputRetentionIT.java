package io.gpufleet.api.generations;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Retention, its job invoked directly with the time it runs at: a generation older than the rule
 * loses its files, keeps its record and says its outputs expired; a download answers 410.
 */
class OutputRetentionIT extends IntegrationTest {

  @Autowired OutputRetention retention;
  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private ComfySimulator comfy;
  private UUID serverId;

  @AfterEach
  void retireServer() {
    if (serverId != null) {
      jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", serverId);
    }
    if (comfy != null) {
      comfy.close();
    }
    serverId = null;
    comfy = null;
  }

  @Test
  void outputsOlderThanTheRuleAreDeletedAndTheGenerationSaysTheyExpired() {
    TestUser user = newUser("USER");
    String id = completedGeneration(user);
    JsonNode done = generation(user, id);
    Instant finished = Instant.parse(done.path("finishedAt").asString());
    Path file = Path.of("target/test-data/results", id, "0.png");
    assertThat(file).exists();

    // 0 days keeps everything, and a day short of 30 keeps it too
    retention.expire(finished.plus(Duration.ofDays(365)), 0);
    retention.expire(finished.plus(Duration.ofDays(30)).minusSeconds(1), 30);
    assertThat(file).exists();
    assertThat(download(user, id).statusCode()).isEqualTo(200);
    assertThat(generation(user, id).path("outputs").get(0).path("storage").asString())
        .isEqualTo("stored");

    Instant later = finished.plus(Duration.ofDays(30)).plusSeconds(1);
    assertThat(retention.expire(later, 30)).isPositive();

    assertThat(file).doesNotExist();
    JsonNode expired = generation(user, id);
    assertThat(expired.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(Instant.parse(expired.path("outputsExpiredAt").asString())).isEqualTo(later);
    JsonNode output = expired.path("outputs").get(0);
    assertThat(output.path("storage").asString()).isEqualTo("expired");
    assertThat(output.path("contentType").asString()).isEqualTo("image/png");
    HttpResponse<byte[]> gone = download(user, id);
    assertThat(gone.statusCode()).isEqualTo(410);
    JsonNode problem = JSON.readTree(gone.body());
    assertThat(problem.path("code").asString()).isEqualTo("OUTPUT_EXPIRED");
    assertThat(problem.path("status").asInt()).isEqualTo(410);
    // history still lists it
    assertThat(get("/api/v1/generations?status=COMPLETED", user.key()).body()).contains(id);

    // a second run finds nothing more of it to do
    retention.expire(later.plus(Duration.ofDays(1)), 30);
    assertThat(Instant.parse(generation(user, id).path("outputsExpiredAt").asString()))
        .isEqualTo(later);
  }

  @Test
  void aUsersOwnRuleGoesBeforeTheGlobalOne() {
    TestUser brief = newUser("USER");
    TestUser keeper = newUser("USER");
    String briefs = completedGeneration(brief);
    String keepers = completedGeneration(keeper);
    Instant finished =
        Instant.parse(generation(keeper, keepers).path("finishedAt").asString()).plusSeconds(1);

    JsonNode twoDays = json(setRule(brief, "{\"days\":2}"));
    assertThat(twoDays.path("days").asInt()).isEqualTo(2);
    assertThat(twoDays.path("source").asString()).isEqualTo("user");
    assertThat(json(setRule(keeper, "{\"days\":0}")).path("source").asString()).isEqualTo("user");

    // the global rule keeps everything; the brief user's two days still delete theirs
    assertThat(retention.expire(finished.plus(Duration.ofDays(1)), 0)).isZero();
    assertThat(retention.expire(finished.plus(Duration.ofDays(3)), 0)).isEqualTo(1);
    assertThat(outputStorage(brief, briefs)).isEqualTo("expired");
    assertThat(download(brief, briefs).statusCode()).isEqualTo(410);
    assertThat(outputStorage(keeper, keepers)).isEqualTo("stored");

    // a global 30 days does not touch the keeper's (0: theirs are kept)…
    retention.expire(finished.plus(Duration.ofDays(31)), 30);
    assertThat(outputStorage(keeper, keepers)).isEqualTo("stored");
    assertThat(download(keeper, keepers).statusCode()).isEqualTo(200);

    // …until their own rule is removed and the global one applies to them
    assertThat(
            method("DELETE", "/api/v1/users/" + keeper.id() + "/retention", ADMIN_KEY, null)
                .statusCode())
        .isEqualTo(204);
    JsonNode global = json(get("/api/v1/users/" + keeper.id() + "/retention", ADMIN_KEY));
    assertThat(global.path("source").asString()).isEqualTo("global");
    assertThat(global.path("updatedAt").isNull()).isTrue();
    retention.expire(finished.plus(Duration.ofDays(31)), 30);
    assertThat(outputStorage(keeper, keepers)).isEqualTo("expired");
  }

  @Test
  void aRuleIsADayCountFromZeroToTenYearsForAUserThatExists() {
    TestUser user = newUser("USER");
    for (String bad : new String[] {"{\"days\":-1}", "{\"days\":3651}", "{}"}) {
      HttpResponse<String> refused = setRule(user, bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(json(refused).path("code").asString()).as(bad).isEqualTo("VALIDATION_ERROR");
    }
    assertThat(setRule(user, "{\"days\":\"soon\"}").statusCode()).isEqualTo(400);
    HttpResponse<String> nobody =
        method(
            "PUT", "/api/v1/users/" + UUID.randomUUID() + "/retention", ADMIN_KEY, "{\"days\":3}");
    assertThat(nobody.statusCode()).isEqualTo(404);
    assertThat(json(nobody).path("code").asString()).isEqualTo("USER_NOT_FOUND");
    // nothing was written by the refusals: the user still has the global rule
    JsonNode rule = json(get("/api/v1/users/" + user.id() + "/retention", ADMIN_KEY));
    assertThat(rule.path("source").asString()).isEqualTo("global");
    assertThat(rule.path("days").asInt()).isEqualTo(rule.path("globalDays").asInt());
    // and a user may not set their own
    assertThat(
            method("PUT", "/api/v1/users/" + user.id() + "/retention", user.key(), "{\"days\":0}")
                .statusCode())
        .isEqualTo(403);
  }

  @Test
  void movingResultsNeedsAnObjectStoreToMoveThemTo() {
    HttpResponse<String> refused = post("/api/v1/results/move", ADMIN_KEY, "");
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(json(refused).path("code").asString()).isEqualTo("RESULT_STORE_LOCAL");
  }

  private HttpResponse<String> setRule(TestUser user, String body) {
    return method("PUT", "/api/v1/users/" + user.id() + "/retention", ADMIN_KEY, body);
  }

  private String outputStorage(TestUser user, String id) {
    return generation(user, id).path("outputs").get(0).path("storage").asString();
  }

  private String completedGeneration(TestUser user) {
    if (comfy == null) {
      comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
      Server server =
          FixedEndpointProvider.runningAt(
              "retention-" + UUID.randomUUID().toString().substring(0, 6), comfy.baseUrl());
      servers.save(server);
      serverId = server.getId();
    }
    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"serverId\":\"" + serverId + "\",\"prompt\":\"an old photo\",\"steps\":2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();
    JsonNode done =
        awaitValue(
            () -> generation(user, id),
            g -> Set.of("COMPLETED", "FAILED", "CANCELLED").contains(g.path("status").asString()),
            Duration.ofSeconds(90),
            "the generation's end");
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    return id;
  }

  private JsonNode generation(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key()));
  }

  private HttpResponse<byte[]> download(TestUser user, String id) {
    return send(
        request("/api/v1/generations/" + id + "/outputs/0")
            .header("Authorization", "Bearer " + user.key())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
