package io.gpufleet.api.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * The whole platform through its public API in sandbox mode: two rented servers of different speeds
 * are set up over SSH, two users submit 50 generations, progress streams, a ComfyUI dies mid-run
 * and its work completes elsewhere, cancels work, and the generation band holds.
 */
class SandboxFleetEndToEndIT extends IntegrationTest {

  @Autowired SandboxFleet sandbox;

  @Test
  void fiftyGenerationsOfTwoUsersCompleteOnTwoServersThroughACrash() throws Exception {
    String fast = rentAndSetUp("e2e-fast");
    String slow = rentAndSetUp("e2e-slow");
    comfyOf(fast).setStepsPerSecond(60);
    ComfySimulator slowComfy = comfyOf(slow);
    slowComfy.setStepsPerSecond(10);
    TestUser alice = userWithRoom();
    TestUser bob = userWithRoom();

    List<String[]> submitted = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      TestUser user = i % 2 == 0 ? alice : bob;
      HttpResponse<String> created =
          post(
              "/api/v1/generations",
              user.key(),
              "{\"prompt\":\"e2e " + i + "\",\"steps\":6,\"seed\":-1}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      submitted.add(new String[] {json(created).path("id").asString(), user.key()});
    }
    CompletableFuture<List<String>> events =
        CompletableFuture.supplyAsync(() -> sse(submitted.get(49)[0], submitted.get(49)[1]));

    // one query per look (not one per generation): a run on the slow server lasts under a second
    await(
        () ->
            json(get("/api/v1/generations?status=RUNNING&serverId=" + slow, ADMIN_KEY))
                    .path("total")
                    .asLong()
                > 0,
        Duration.ofSeconds(90));
    slowComfy.crash();

    Set<String> servers = new HashSet<>();
    int retried = 0;
    for (String[] g : submitted) {
      JsonNode done = awaitFinal(g[0], g[1]);
      assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
      servers.add(done.path("serverId").asString());
      retried += done.path("attempts").asInt() > 1 ? 1 : 0;
      HttpResponse<byte[]> png =
          send(
              request(done.path("outputs").get(0).path("url").asString())
                  .header("Authorization", "Bearer " + g[1])
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
    assertThat(servers).contains(fast);
    assertThat(retried).as("generations moved off the crashed server").isPositive();
    assertThat(events.get())
        .anySatisfy(line -> assertThat(line).contains("generation.progress"))
        .anySatisfy(line -> assertThat(line).contains("generation.completed"));

    // a user cannot read another's generation
    assertThat(get("/api/v1/generations/" + submitted.get(0)[0], bob.key()).statusCode())
        .isIn(403, 404);
  }

  /** Destroyed afterwards: healthy servers left behind would take other tests' generations. */
  @AfterEach
  void destroyServers() {
    vastIds.keySet().forEach(id -> method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null));
  }

  // --- helpers

  private final java.util.Map<String, String> vastIds = new java.util.HashMap<>();

  private String rentAndSetUp(String name) {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "-"
                + UUID.randomUUID().toString().substring(0, 6)
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    await(
        () -> {
          JsonNode s = json(get("/api/v1/servers/" + id, ADMIN_KEY));
          return s.path("setUp").asBoolean() && s.path("health").asString().equals("HEALTHY");
        },
        Duration.ofSeconds(120));
    vastIds.put(id, json(get("/api/v1/servers/" + id, ADMIN_KEY)).path("vastId").asString());
    return id;
  }

  private ComfySimulator comfyOf(String serverId) {
    return sandbox.comfyOf(Long.parseLong(vastIds.get(serverId))).orElseThrow();
  }

  private TestUser userWithRoom() {
    return userWithLimits("{\"generationsPerMinute\":100,\"generationsPerHour\":1000}");
  }

  private JsonNode awaitFinal(String id, String key) {
    JsonNode[] last = new JsonNode[1];
    await(
        () -> {
          last[0] = json(get("/api/v1/generations/" + id, key));
          return Set.of("COMPLETED", "FAILED", "CANCELLED")
              .contains(last[0].path("status").asString());
        },
        Duration.ofSeconds(180));
    return last[0];
  }

  /** The SSE stream of one generation, line by line, until it ends. */
  private List<String> sse(String id, String key) {
    List<String> lines = new ArrayList<>();
    try {
      HttpResponse<java.io.InputStream> stream =
          send(
              request("/api/v1/generations/" + id + "/events")
                  .header("Authorization", "Bearer " + key)
                  .header("Accept", "text/event-stream")
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      }
    } catch (java.io.IOException e) {
      lines.add("error: " + e);
    }
    return lines;
  }
}
