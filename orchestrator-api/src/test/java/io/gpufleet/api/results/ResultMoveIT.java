package io.gpufleet.api.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Results kept on the local disk before S3 was configured move to the bucket on an admin's word:
 * the generation then downloads from the bucket with the same bytes, its local file is gone, and a
 * store that is down during a move loses nothing (the move stops, the files stay local, and a
 * second move finishes the work).
 */
class ResultMoveIT extends S3ApplicationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired ResultStores stores;

  private ComfySimulator comfy;
  private UUID serverId;

  @AfterEach
  void cleanUp() {
    s3rver().start();
    if (serverId != null) {
      jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", serverId);
    }
    if (comfy != null) {
      comfy.close();
    }
  }

  @Test
  void localResultsMoveToTheBucketAndAnOutageDuringTheMoveLosesNothing() throws IOException {
    TestUser user = newUser("USER");
    String first = keptLocally(user, completedGeneration(user));
    String second = keptLocally(user, completedGeneration(user));
    byte[] firstBytes = download(user, first).body();
    byte[] secondBytes = download(user, second).body();
    assertThat(move().path("remaining").asLong()).isGreaterThanOrEqualTo(2);

    // the bucket is down: the move stops, both generations still download from the local disk
    s3rver().stop();
    HttpResponse<String> started = post("/api/v1/results/move", ADMIN_KEY, "");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    assertThat(json(started).path("latest").path("to").asString()).isEqualTo("s3");
    JsonNode failed = awaitMoveEnded();
    assertThat(failed.path("latest").path("state").asString()).isEqualTo("FAILED");
    assertThat(failed.path("latest").path("error").asString()).contains("s3");
    assertThat(failed.path("remaining").asLong()).isGreaterThanOrEqualTo(2);
    assertThat(localFile(first)).exists();
    assertThat(download(user, first).body()).isEqualTo(firstBytes);

    // back up: a second move takes everything, and the outputs come from the bucket
    s3rver().start();
    assertThat(post("/api/v1/results/move", ADMIN_KEY, "").statusCode()).isEqualTo(202);
    JsonNode done = awaitMoveEnded();
    assertThat(done.path("latest").path("state").asString()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.path("latest").path("generations").asInt()).isGreaterThanOrEqualTo(2);
    assertThat(done.path("remaining").asLong()).isZero();
    for (String id : new String[] {first, second}) {
      assertThat(localFile(id)).doesNotExist();
      assertThat(recordedStore(id)).isEqualTo("s3");
      assertThat(stores.primary().size(UUID.fromString(id), "0.png")).isPresent();
    }
    assertThat(download(user, first).body()).isEqualTo(firstBytes);
    assertThat(download(user, second).body()).isEqualTo(secondBytes);
    assertThat(download(user, second).headers().firstValue("Content-Type")).hasValue("image/png");
  }

  /**
   * Makes a generation look like one stored before S3 was configured: its file on the local disk,
   * not in the bucket, and its outputs naming no store (as such rows do).
   */
  private String keptLocally(TestUser user, String id) throws IOException {
    byte[] bytes = download(user, id).body();
    Path file = localFile(id);
    Files.createDirectories(file.getParent());
    Files.write(file, bytes);
    stores.primary().delete(UUID.fromString(id), "0.png");
    jdbc.update(
        """
        UPDATE generations SET outputs =
          (SELECT jsonb_agg(o - 'store' - 'size') FROM jsonb_array_elements(outputs::jsonb) o)::text
         WHERE id = ?::uuid
        """,
        id);
    assertThat(stores.primary().size(UUID.fromString(id), "0.png")).isEmpty();
    assertThat(download(user, id).body()).as("served from the local disk").isEqualTo(bytes);
    return id;
  }

  private static Path localFile(String id) {
    return Path.of("target/test-data-s3/results", id, "0.png");
  }

  private String recordedStore(String id) {
    return jdbc.queryForObject(
        "SELECT outputs::jsonb -> 0 ->> 'store' FROM generations WHERE id = ?::uuid",
        String.class,
        id);
  }

  private JsonNode move() {
    HttpResponse<String> answer = get("/api/v1/results/move", ADMIN_KEY);
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return json(answer);
  }

  private JsonNode awaitMoveEnded() {
    return awaitValue(
        this::move,
        m -> !"RUNNING".equals(m.path("latest").path("state").asString()),
        Duration.ofSeconds(60),
        "the move's end");
  }

  private String completedGeneration(TestUser user) {
    if (comfy == null) {
      comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
      Server server =
          FixedEndpointProvider.runningAt(
              "move-" + UUID.randomUUID().toString().substring(0, 6), comfy.baseUrl());
      servers.save(server);
      serverId = server.getId();
    }
    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"serverId\":\"" + serverId + "\",\"prompt\":\"a harbour\",\"steps\":2}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();
    JsonNode done =
        awaitValue(
            () -> json(get("/api/v1/generations/" + id, user.key())),
            g -> Set.of("COMPLETED", "FAILED", "CANCELLED").contains(g.path("status").asString()),
            Duration.ofSeconds(90),
            "the generation's end");
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    return id;
  }

  private HttpResponse<byte[]> download(TestUser user, String id) {
    HttpResponse<byte[]> answer =
        send(
            request("/api/v1/generations/" + id + "/outputs/0?redirect=false")
                .header("Authorization", "Bearer " + user.key())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(answer.statusCode()).isEqualTo(200);
    return answer;
  }
}
