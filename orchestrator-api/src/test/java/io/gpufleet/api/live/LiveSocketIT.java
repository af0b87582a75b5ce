package io.gpufleet.api.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.JsonMessages;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What the console's live pages rely on: the whole fleet's generation events, the latest preview of
 * a running generation, and setup runs' output, all over {@code /api/v1/ws}.
 */
class LiveSocketIT extends IntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> fixedServers = new ArrayList<>();
  private final List<String> sandboxServers = new ArrayList<>();
  private final List<WebSocket> sockets = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    sockets.forEach(WebSocket::abort);
    try {
      for (UUID id : fixedServers) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
      for (String id : sandboxServers) {
        method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void anAdminFollowingTheFleetHearsNewGenerationsTheirProgressAndPreviews() throws Exception {
    fixedServer("live", 8);
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    WebSocket ws = socket(ADMIN_KEY, heard);
    ws.sendText("{\"type\":\"subscribe\",\"all\":true}", true).join();
    await(() -> types(heard, null).contains("subscribed"));
    TestUser user = newUser("USER");

    String id = submit(user, "{\"prompt\":\"a lighthouse\",\"steps\":40}");

    await(() -> types(heard, id).contains("generation.preview"));
    String url = of(heard, id, "generation.preview").get(0).path("url").asString();
    HttpResponse<byte[]> preview =
        send(
            request(url).header("Authorization", "Bearer " + user.key()).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(preview.body()).startsWith((byte) 0xFF, (byte) 0xD8);

    await(() -> types(heard, id).contains("generation.completed"));
    assertThat(types(heard, id))
        .containsSubsequence(
            "generation.queued",
            "generation.started",
            "generation.progress",
            "generation.completed");
    JsonNode progress = of(heard, id, "generation.progress").get(0);
    assertThat(progress.path("totalNodes").asInt()).isPositive();
    HttpResponse<String> gone = get("/api/v1/generations/" + id + "/preview", user.key());
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).path("code").asString()).isEqualTo("PREVIEW_NOT_AVAILABLE");
  }

  @Test
  void aUserFollowingAllHearsOnlyTheirOwnGenerationsAndNoSetupRuns() throws Exception {
    fixedServer("mine", 40);
    TestUser user = newUser("USER");
    TestUser other = newUser("USER");
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    WebSocket ws = socket(user.key(), heard);
    ws.sendText("{\"type\":\"subscribe\",\"all\":true}", true).join();
    ws.sendText("{\"type\":\"subscribe\",\"executionIds\":[\"" + UUID.randomUUID() + "\"]}", true)
        .join();
    await(() -> types(heard, null).contains("subscribed") && types(heard, null).contains("error"));

    String theirs = submit(other, "{\"steps\":2}");
    String mine = submit(user, "{\"steps\":2}");

    await(() -> types(heard, mine).contains("generation.completed"));
    assertThat(types(heard, mine)).contains("generation.queued", "generation.progress");
    await(() -> generationStatus(other, theirs).equals("COMPLETED"));
    assertThat(types(heard, theirs)).isEmpty();
    assertThat(of(heard, null, "error").get(0).path("code").asString()).isEqualTo("FORBIDDEN");
  }

  @Test
  void aSetupRunsOutputStepsAndEndArriveOverTheSocket() throws Exception {
    String server = sandboxServer();
    String reset = null;
    for (JsonNode s : json(get("/api/v1/setup-scripts", ADMIN_KEY))) {
      if (s.path("kind").asString().equals("RESET")) {
        reset = s.path("id").asString();
      }
    }
    HttpResponse<String> wrongKind =
        post(
            "/api/v1/servers/" + server + "/setup",
            ADMIN_KEY,
            "{\"setupScriptId\":\"" + reset + "\"}");
    assertThat(wrongKind.statusCode()).as(wrongKind.body()).isEqualTo(409);
    assertThat(json(wrongKind).path("code").asString()).isEqualTo("SETUP_SCRIPT_WRONG_KIND");
    HttpResponse<String> noSuchScript =
        post(
            "/api/v1/servers/" + server + "/setup",
            ADMIN_KEY,
            "{\"setupScriptId\":\"" + UUID.randomUUID() + "\"}");
    assertThat(noSuchScript.statusCode()).as(noSuchScript.body()).isEqualTo(404);
    assertThat(noSuchScript.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    HttpResponse<String> notAnId =
        post("/api/v1/servers/" + server + "/setup", ADMIN_KEY, "{\"setupScriptId\":\"seven\"}");
    assertThat(notAnId.statusCode()).as(notAnId.body()).isEqualTo(400);
    assertThat(json(notAnId).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    HttpResponse<String> previewOfNothing =
        get("/api/v1/generations/not-a-generation/preview", ADMIN_KEY);
    assertThat(previewOfNothing.statusCode()).isEqualTo(400);
    assertThat(previewOfNothing.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    assertThat(get("/api/v1/generations/" + UUID.randomUUID() + "/preview", ADMIN_KEY).statusCode())
        .isEqualTo(404);
    HttpResponse<String> script =
        post(
            "/api/v1/setup-scripts",
            ADMIN_KEY,
            """
            {"name":"slow-%s","kind":"INSTALL","content":"echo '##STEP 1/2 Warm up'\\nfor i in 1 2 3 4 5 6; do echo line $i; sleep 0.3; done\\necho '##STEP 2/2 Finish'\\necho all done\\n"}
            """
                .formatted(UUID.randomUUID().toString().substring(0, 8)));
    assertThat(script.statusCode()).as(script.body()).isEqualTo(201);
    HttpResponse<String> started =
        post(
            "/api/v1/servers/" + server + "/setup",
            ADMIN_KEY,
            "{\"setupScriptId\":\"" + json(script).path("id").asString() + "\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String run = json(started).path("id").asString();
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    WebSocket ws = socket(ADMIN_KEY, heard);

    ws.sendText("{\"type\":\"subscribe\",\"executionIds\":[\"" + run + "\"]}", true).join();

    await(() -> types(heard, null).contains("execution.finished"));
    assertThat(of(heard, null, "execution.state").get(0).path("execution").path("id").asString())
        .isEqualTo(run);
    assertThat(of(heard, null, "execution.finished").get(0).path("status").asString())
        .isEqualTo("SUCCEEDED");
    String output = json(get("/api/v1/executions/" + run, ADMIN_KEY)).path("output").asString();
    List<JsonNode> chunks = of(heard, null, "execution.output");
    assertThat(chunks).isNotEmpty();
    for (JsonNode chunk : chunks) {
      int offset = chunk.path("offset").asInt();
      String text = chunk.path("text").asString();
      assertThat(output.substring(offset, offset + text.length())).isEqualTo(text);
    }
    assertThat(chunks.stream().map(c -> c.path("text").asString()).reduce("", String::concat))
        .contains("line 6")
        .contains("all done");
    assertThat(of(heard, null, "execution.progress"))
        .extracting(p -> p.path("step").asInt() + "/" + p.path("stepTotal").asInt())
        .contains("2/2");
  }

  // --- helpers -----------------------------------------------------------------------------

  private WebSocket socket(String key, List<JsonNode> heard) throws Exception {
    HttpResponse<String> ticket = post("/api/v1/ws-tickets", key, "");
    assertThat(ticket.statusCode()).as(ticket.body()).isEqualTo(201);
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:"
                        + port
                        + "/api/v1/ws?ticket="
                        + json(ticket).path("ticket").asString()),
                JsonMessages.into(heard))
            .get(10, TimeUnit.SECONDS);
    sockets.add(ws);
    return ws;
  }

  /** The types heard, of one generation's events or (null) of all. */
  private static List<String> types(List<JsonNode> heard, String generation) {
    return heard.stream()
        .filter(m -> generation == null || generation.equals(m.path("generationId").asString()))
        .map(m -> m.path("type").asString())
        .toList();
  }

  private static List<JsonNode> of(List<JsonNode> heard, String generation, String type) {
    return heard.stream()
        .filter(m -> generation == null || generation.equals(m.path("generationId").asString()))
        .filter(m -> m.path("type").asString().equals(type))
        .toList();
  }

  private void fixedServer(String name, double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            name + "-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    fixedServers.add(s.getId());
  }

  /** A sandbox server that is RUNNING with its first setup run over. */
  private String sandboxServer() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"live-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    sandboxServers.add(id);
    await(
        () -> {
          JsonNode runs = json(get("/api/v1/servers/" + id + "/executions", ADMIN_KEY));
          return json(get("/api/v1/servers/" + id, ADMIN_KEY))
                  .path("status")
                  .asString()
                  .equals("RUNNING")
              && runs.size() > 0
              && !List.of("QUEUED", "RUNNING").contains(runs.get(0).path("status").asString());
        });
    return id;
  }

  private String generationStatus(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key())).path("status").asString();
  }

  private String submit(TestUser user, String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }
}
