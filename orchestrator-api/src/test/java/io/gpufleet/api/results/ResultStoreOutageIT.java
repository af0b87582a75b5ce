package io.gpufleet.api.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The outage: the S3 store goes down while a generation runs; its outputs wait in the spool
 * (the generation says so, and the metric), and once the store is back they are uploaded, the
 * generation completes and nothing is lost.
 */
class ResultStoreOutageIT extends S3ApplicationTest {

  private static final Pattern PENDING =
      Pattern.compile("(?m)^gpufleet_results_pending(?:\\{[^}]*})? ([0-9.]+)$");

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private ComfySimulator comfy;
  private UUID serverId;

  @AfterEach
  void cleanUp() {
    s3rver().start(); // whatever happened, the next test has its store
    if (serverId != null) {
      jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", serverId);
    }
    if (comfy != null) {
      comfy.close();
    }
  }

  @Test
  void outputsThatArriveWhileTheStoreIsDownWaitAndAreStoredWhenItIsBack() throws Exception {
    comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(4));
    Server server =
        FixedEndpointProvider.runningAt(
            "outage-" + UUID.randomUUID().toString().substring(0, 6), comfy.baseUrl());
    servers.save(server);
    serverId = server.getId();
    TestUser user = newUser("USER");

    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"serverId\":\"" + serverId + "\",\"prompt\":\"a lighthouse\",\"steps\":8}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();

    // mid-run: the prompt holds on its server while the store goes down
    awaitValue(() -> generation(user, id), g -> g.path("progress").asInt() > 0, patience(), "run");
    comfy.hang();
    s3rver().stop();
    comfy.resume();

    JsonNode waiting =
        awaitValue(
            () -> generation(user, id),
            g -> g.path("outputsPending").asInt() > 0,
            patience(),
            "outputs waiting for the store");
    assertThat(waiting.path("status").asString()).isEqualTo("RUNNING");
    assertThat(waiting.path("outputsPending").asInt()).isEqualTo(1);
    assertThat(waiting.path("outputs").get(0).path("storage").asString()).isEqualTo("spooled");
    assertThat(pendingMetric()).isEqualTo(1.0);
    // still the user's: served from the spool meanwhile
    HttpResponse<byte[]> fromSpool = download(user, id, false);
    assertThat(fromSpool.statusCode()).isEqualTo(200);
    assertThat(fromSpool.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    // and it cannot be cancelled: the run is over, only the storing is missing
    assertThat(post("/api/v1/generations/" + id + "/cancel", user.key(), "").statusCode())
        .isEqualTo(409);

    s3rver().start();

    JsonNode done =
        awaitValue(
            () -> generation(user, id),
            g -> "COMPLETED".equals(g.path("status").asString()),
            patience(),
            "completion once the store is back");
    assertThat(done.has("outputsPending")).isFalse();
    assertThat(done.path("outputs")).hasSize(1);
    JsonNode output = done.path("outputs").get(0);
    assertThat(output.path("storage").asString()).isEqualTo("stored");
    assertThat(output.path("contentType").asString()).isEqualTo("image/png");
    assertThat(output.path("size").asLong()).isEqualTo(fromSpool.body().length);
    assertThat(pendingMetric()).isEqualTo(0.0);
    // nothing lost: the same bytes through the platform and straight from the bucket
    HttpResponse<byte[]> stored = download(user, id, false);
    assertThat(stored.statusCode()).isEqualTo(200);
    assertThat(stored.body()).isEqualTo(fromSpool.body());
    HttpResponse<byte[]> redirect = download(user, id, true);
    assertThat(redirect.statusCode()).isEqualTo(302);
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith(s3rver().endpoint().toString()).contains("/platform/" + id);
    HttpResponse<byte[]> fromBucket =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(java.net.URI.create(location)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(fromBucket.body()).isEqualTo(fromSpool.body());
  }

  private JsonNode generation(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key()));
  }

  private HttpResponse<byte[]> download(TestUser user, String id, boolean redirect) {
    return send(
        request("/api/v1/generations/" + id + "/outputs/0?redirect=" + redirect)
            .header("Authorization", "Bearer " + user.key())
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private double pendingMetric() {
    HttpResponse<String> scrape = get("/actuator/prometheus", ADMIN_KEY);
    assertThat(scrape.statusCode()).isEqualTo(200);
    Matcher m = PENDING.matcher(scrape.body());
    assertThat(m.find()).as("gpufleet_results_pending in the scrape").isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static Duration patience() {
    return Duration.ofSeconds(60);
  }
}
