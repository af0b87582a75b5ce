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

  private String completedGeneration(TestUser user) {
    comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
    Server server =
        FixedEndpointProvider.runningAt(
            "retention-" + UUID.randomUUID().toString().substring(0, 6), comfy.baseUrl());
    servers.save(server);
    serverId = server.getId();
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
