package io.gpufleet.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

class WebhooksIT extends IntegrationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired Webhooks webhooks;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();
  private final List<HttpServer> receivers = new ArrayList<>();

  /** What a receiver got: body and signature header. */
  record Received(String body, String signature) {}

  @AfterEach
  void cleanUp() {
    receivers.forEach(r -> r.stop(0));
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void aCompletedGenerationIsPostedSignedAndItsDeliveryRecorded() {
    server("hook", 50);
    TestUser user = newUser("USER");
    List<Received> received = new CopyOnWriteArrayList<>();
    String url = receiver(received, 0);

    String id = submit(user, "{\"steps\":2,\"webhookUrl\":\"" + url + "\"}");

    await(() -> !received.isEmpty());
    Received hook = received.get(0);
    String secret = json(get("/api/v1/webhooks/secret", user.key())).path("secret").asString();
    assertThat(hook.signature()).isEqualTo("sha256=" + hmac(secret, hook.body()));
    assertThat(hook.signature()).isNotEqualTo("sha256=" + hmac(secret + "x", hook.body()));
    JsonNode body = JSON.readTree(hook.body());
    assertThat(body.path("event").asString()).isEqualTo("generation.completed");
    assertThat(body.path("generation").path("id").asString()).isEqualTo(id);
    assertThat(body.path("generation").path("status").asString()).isEqualTo("COMPLETED");

    await(() -> deliveries(user, id).size() == 1);
    JsonNode attempt = deliveries(user, id).get(0);
    assertThat(attempt.path("succeeded").asBoolean()).isTrue();
    assertThat(attempt.path("statusCode").asInt()).isEqualTo(200);
    assertThat(
            get("/api/v1/generations/" + id + "/webhook-deliveries", newUser("USER").key())
                .statusCode())
        .isEqualTo(404);
  }

  @Test
  void aFailingReceiverIsRetriedWithDoublingBackoffUntilItAccepts() {
    server("retry", 50);
    TestUser user = newUser("USER");
    List<Received> received = new CopyOnWriteArrayList<>();
    String url = receiver(received, 2);

    String id = submit(user, "{\"steps\":2,\"webhookUrl\":\"" + url + "\"}");
    await(() -> deliveries(user, id).size() == 1);
    Duration firstWait = waitAfterLastAttempt(id);

    // later than any backoff: the retries are due now, without waiting for them
    webhooks.deliverDue(Instant.now().plus(Duration.ofHours(1)));
    Duration secondWait = waitAfterLastAttempt(id);
    webhooks.deliverDue(Instant.now().plus(Duration.ofHours(2)));
    webhooks.deliverDue(Instant.now().plus(Duration.ofHours(3)));

    JsonNode attempts = deliveries(user, id);
    assertThat(attempts).hasSize(3);
    assertThat(attempts.get(0).path("statusCode").asInt()).isEqualTo(500);
    assertThat(attempts.get(1).path("statusCode").asInt()).isEqualTo(500);
    assertThat(attempts.get(2).path("statusCode").asInt()).isEqualTo(200);
    assertThat(attempts.get(2).path("succeeded").asBoolean()).isTrue();
    assertThat(attempts.get(2).path("attempt").asInt()).isEqualTo(3);
    assertThat(received).hasSize(3);
    assertThat(received.get(2).body()).isEqualTo(received.get(0).body());
    assertThat(secondWait).isEqualTo(firstWait.multipliedBy(2));
    assertThat(firstWait).isPositive();
  }

  @Test
  void aFailedGenerationIsPostedToo() {
    ComfySimulator sim = server("hook-fail", 50);
    TestUser user = newUser("USER");
    List<Received> received = new CopyOnWriteArrayList<>();
    String url = receiver(received, 0);
    sim.failNextPrompt("KSampler", "ValueError", "invalid sigma schedule");

    submit(
        user,
        "{\"steps\":2,\"serverId\":\""
            + serverIds.get(serverIds.size() - 1)
            + "\",\"webhookUrl\":\""
            + url
            + "\"}");

    await(() -> !received.isEmpty());
    assertThat(JSON.readTree(received.get(0).body()).path("event").asString())
        .isEqualTo("generation.failed");
  }

  @Test
  void webhookUrlsThatAreNotHttpAreRefused() {
    TestUser user = newUser("USER");
    for (String url :
        List.of("ftp://example.org/x", "javascript:alert(1)", "/relative", "http:/")) {
      HttpResponse<String> refused =
          post("/api/v1/generations", user.key(), "{\"webhookUrl\":\"" + url + "\"}");
      assertThat(refused.statusCode()).as(url).isEqualTo(400);
      assertThat(refused.body()).contains("webhookUrl");
    }
  }

  @Test
  void aRedirectToADeniedAddressIsRefusedAtSendTimeAndGivenUp() throws IOException {
    server("hook-redirect", 50);
    TestUser user = newUser("USER");
    HttpServer redirecting = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger calls = new AtomicInteger();
    redirecting.createContext(
        "/hook",
        exchange -> {
          calls.incrementAndGet();
          exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
          exchange.sendResponseHeaders(307, -1);
          exchange.close();
        });
    redirecting.start();
    receivers.add(redirecting);
    String url = "http://127.0.0.1:" + redirecting.getAddress().getPort() + "/hook";

    String id = submit(user, "{\"steps\":2,\"webhookUrl\":\"" + url + "\"}");

    await(() -> deliveries(user, id).size() == 1);
    JsonNode attempt = deliveries(user, id).get(0);
    assertThat(attempt.path("succeeded").asBoolean()).isFalse();
    assertThat(attempt.path("error").asString())
        .startsWith("URL_NOT_ALLOWED")
        .contains("169.254.169.254")
        .contains("link-local");
    // refused for good: no retry is scheduled, however late it gets
    webhooks.deliverDue(Instant.now().plus(Duration.ofDays(1)));
    assertThat(deliveries(user, id)).hasSize(1);
    assertThat(calls.get()).isEqualTo(1);
    assertThat(
            jdbc.queryForObject(
                "SELECT state FROM webhook_jobs WHERE generation_id = ?",
                String.class,
                UUID.fromString(id)))
        .isEqualTo("GAVE_UP");
  }

  // --- helpers -----------------------------------------------------------------------------

  private Duration waitAfterLastAttempt(String id) {
    Map<String, Object> row =
        jdbc.queryForMap(
            "SELECT j.next_attempt_at, (SELECT max(a.attempted_at) FROM webhook_attempts a"
                + " WHERE a.job_id = j.id) AS last FROM webhook_jobs j WHERE j.generation_id = ?",
            UUID.fromString(id));
    return Duration.between(
        ((Timestamp) row.get("last")).toInstant(),
        ((Timestamp) row.get("next_attempt_at")).toInstant());
  }

  /** A receiver answering 500 to its first {@code failures} requests, then 200. */
  private String receiver(List<Received> received, int failures) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      AtomicInteger calls = new AtomicInteger();
      server.createContext(
          "/hook",
          exchange -> {
            String body =
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(
                new Received(body, exchange.getRequestHeaders().getFirst("X-GpuFleet-Signature")));
            int status = calls.incrementAndGet() <= failures ? 500 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
          });
      server.start();
      receivers.add(server);
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hmac(String secret, String body) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(
          new javax.crypto.spec.SecretKeySpec(
              secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private JsonNode deliveries(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id + "/webhook-deliveries", user.key()));
  }

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

  private String submit(TestUser user, String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }
}
