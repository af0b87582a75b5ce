package io.gpufleet.api.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.chat.SseReader;
import io.gpufleet.api.routing.FleetView;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ollama.OllamaModelSpec;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import io.gpufleet.simulator.ollama.OllamaSimulatorConfig;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Ollama servers as fleet members, against two Ollama simulators on real sockets registered as
 * static servers: their models probed, routing by model (loaded first), load, unload and pull, and
 * the ComfyUI side kept apart. Model names are this run's own: the sandbox's Ollama is a fleet
 * server too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OllamaFleetIT extends IntegrationTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  /** On both servers. */
  private static final String SHARED = "shared-" + RUN + ":1b";

  /** On server A only. */
  private static final String ONLY_A = "only-a-" + RUN + ":1b";

  @Autowired ServerRepository servers;
  @Autowired FleetView fleet;
  @Autowired OllamaSimulator sandboxOllama;

  private OllamaSimulator simA;
  private OllamaSimulator simB;
  private ComfySimulator comfy;
  private String serverA;
  private String serverB;
  private String comfyServer;
  private String fleetProfile;
  private TestUser user;

  @BeforeAll
  void fleet() {
    simA =
        OllamaSimulator.start(
            OllamaSimulatorConfig.defaults()
                .withTokensPerSecond(500)
                .withModels(List.of(model(SHARED, 1_000_000_000L), model(ONLY_A, 700_000_000L))));
    simB =
        OllamaSimulator.start(
            OllamaSimulatorConfig.defaults()
                .withTokensPerSecond(500)
                .withModels(List.of(model(SHARED, 1_000_000_000L))));
    comfy = ComfySimulator.start(ComfySimulatorConfig.defaults());
    serverA = registerOllama("ollama-a-" + RUN, simA);
    serverB = registerOllama("ollama-b-" + RUN, simB);
    HttpResponse<String> comfyCreated =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"provider\":\"static\",\"name\":\"comfy-"
                + RUN
                + "\",\"comfyUrl\":\""
                + comfy.baseUrl()
                + "\"}");
    assertThat(comfyCreated.statusCode()).as(comfyCreated.body()).isEqualTo(201);
    comfyServer = json(comfyCreated).path("id").asString();
    awaitServer(serverA, s -> "HEALTHY".equals(s.path("health").asString()));
    awaitServer(serverB, s -> "HEALTHY".equals(s.path("health").asString()));
    awaitServer(comfyServer, s -> "HEALTHY".equals(s.path("health").asString()));

    HttpResponse<String> profile =
        post(
            "/api/v1/profiles",
            ADMIN_KEY,
            "{\"name\":\"fleet-it-"
                + RUN
                + "\",\"provider\":\"ollama\",\"endpoint\":\"fleet\",\"defaultModel\":\""
                + SHARED
                + "\"}");
    assertThat(profile.statusCode()).as(profile.body()).isEqualTo(201);
    fleetProfile = json(profile).path("id").asString();
    user = newUser("USER");
  }

  @AfterAll
  void stop() {
    for (String id : List.of(serverA, serverB, comfyServer)) {
      method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    }
    method("DELETE", "/api/v1/profiles/" + fleetProfile, ADMIN_KEY, null);
    simA.close();
    simB.close();
    comfy.close();
  }

  private static OllamaModelSpec model(String name, long size) {
    return OllamaModelSpec.of(name, size, "llama", "1B", false);
  }

  private String registerOllama(String name, OllamaSimulator sim) {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"provider\":\"static\",\"engine\":\"ollama\",\"name\":\""
                + name
                + "\",\"ollamaUrl\":\""
                + sim.baseUrl()
                + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode server = json(created);
    assertThat(server.path("engine").asString()).isEqualTo("ollama");
    assertThat(server.path("ollamaUrl").asString()).isEqualTo(sim.baseUrl());
    assertThat(server.path("comfyUrl").isString()).isFalse();
    return server.path("id").asString();
  }

  private JsonNode awaitServer(String id, java.util.function.Predicate<JsonNode> done) {
    return awaitValue(
        () -> json(get("/api/v1/servers/" + id, ADMIN_KEY)),
        done,
        Duration.ofSeconds(60),
        "server " + id);
  }

  private JsonNode probe(String server) {
    HttpResponse<String> probed =
        post("/api/v1/servers/" + server + "/ollama/probe", ADMIN_KEY, "");
    assertThat(probed.statusCode()).as(probed.body()).isEqualTo(200);
    return json(probed);
  }

  private static List<String> names(JsonNode models) {
    List<String> names = new ArrayList<>();
    models.forEach(m -> names.add(m.path("name").asString()));
    return names;
  }

  private HttpResponse<String> modelCall(String server, String action, String model) {
    return post(
        "/api/v1/servers/" + server + "/ollama/models/" + action,
        ADMIN_KEY,
        "{\"model\":\"" + model + "\"}");
  }

  private HttpResponse<String> chat(String model) {
    return post(
        "/api/v1/chat",
        user.key(),
        "{\"profileId\":\""
            + fleetProfile
            + "\",\"model\":\""
            + model
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
  }

  @Test
  void aProbeStoresEachServersModelsWithTheirSizes() {
    JsonNode probed = probe(serverA);

    assertThat(names(probed)).contains(SHARED, ONLY_A);
    JsonNode listed = json(get("/api/v1/servers/" + serverA + "/ollama/models", ADMIN_KEY));
    assertThat(names(listed)).containsExactlyInAnyOrderElementsOf(names(probed));
    for (JsonNode m : listed) {
      if (m.path("name").asString().equals(ONLY_A)) {
        assertThat(m.path("sizeBytes").asLong()).isEqualTo(700_000_000L);
      }
    }
    assertThat(names(json(get("/api/v1/servers/" + serverB + "/ollama/models", ADMIN_KEY))))
        .doesNotContain(ONLY_A);
  }

  @Test
  void loadAndUnloadChangeWhatTheServerHoldsInMemory() {
    HttpResponse<String> loaded = modelCall(serverA, "load", ONLY_A);

    assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
    assertThat(simA.loadedModels()).contains(ONLY_A);
    JsonNode row = find(json(loaded), ONLY_A);
    assertThat(row.path("loaded").asBoolean()).isTrue();
    assertThat(row.path("expiresAt").isString()).isTrue();

    HttpResponse<String> unloaded = modelCall(serverA, "unload", ONLY_A);

    assertThat(unloaded.statusCode()).as(unloaded.body()).isEqualTo(200);
    assertThat(simA.loadedModels()).doesNotContain(ONLY_A);
    assertThat(find(json(unloaded), ONLY_A).path("loaded").asBoolean()).isFalse();
  }

  private static JsonNode find(JsonNode models, String name) {
    for (JsonNode m : models) {
      if (m.path("name").asString().equals(name)) {
        return m;
      }
    }
    throw new AssertionError(name + " not in " + models);
  }

  @Test
  void chatThroughAFleetProfileReachesTheServerThatHasTheModel() {
    probe(serverA);
    probe(serverB);
    long a = simA.answersServed();
    long b = simB.answersServed();

    HttpResponse<String> answer = chat(ONLY_A);

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).path("model").asString()).isEqualTo(ONLY_A);
    assertThat(simA.answersServed()).isEqualTo(a + 1);
    assertThat(simB.answersServed()).isEqualTo(b);
  }

  @Test
  void aTextTaskThroughAFleetProfileRunsOnTheServerThatHasTheModel() {
    probe(serverA);
    long a = simA.answersServed();
    long b = simB.answersServed();

    HttpResponse<String> created =
        post(
            "/api/v1/tasks",
            user.key(),
            "{\"type\":\"text\",\"profileId\":\""
                + fleetProfile
                + "\",\"model\":\""
                + ONLY_A
                + "\",\"prompt\":\"Why is the sky blue?\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String task = json(created).path("id").asString();
    JsonNode done =
        awaitValue(
            () -> json(get("/api/v1/tasks/" + task, user.key())),
            t -> Set.of("COMPLETED", "FAILED", "CANCELLED").contains(t.path("status").asString()),
            Duration.ofSeconds(60),
            "task " + task);

    assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("model").asString()).isEqualTo(ONLY_A);
    assertThat(simA.answersServed()).isEqualTo(a + 1);
    assertThat(simB.answersServed()).isEqualTo(b);
  }

  @Test
  void routingPrefersTheServerThatHasTheModelLoaded() {
    modelCall(serverA, "unload", SHARED);
    assertThat(modelCall(serverB, "load", SHARED).statusCode()).isEqualTo(200);
    probe(serverA);
    long a = simA.answersServed();
    long b = simB.answersServed();

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> answer = chat(SHARED);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    assertThat(simB.answersServed()).isEqualTo(b + 3);
    assertThat(simA.answersServed()).isEqualTo(a);
    modelCall(serverB, "unload", SHARED);
  }

  @Test
  void anOllamaServerThatStopsAnsweringItsVersionProbeLeavesRoutingUntilItAnswersAgain() {
    assertThat(modelCall(serverB, "load", SHARED).statusCode()).isEqualTo(200);
    modelCall(serverA, "unload", SHARED);
    probe(serverA);
    simB.refuseConnections();
    try {
      awaitServer(serverB, s -> !"HEALTHY".equals(s.path("health").asString()));
      long a = simA.answersServed();

      HttpResponse<String> answer = chat(SHARED);

      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      assertThat(simA.answersServed()).isEqualTo(a + 1);
    } finally {
      simB.acceptConnections();
    }
    awaitServer(serverB, s -> "HEALTHY".equals(s.path("health").asString()));
    modelCall(serverB, "unload", SHARED);
  }

  @Test
  void aModelNoServerHasAnswers503NoServerForModel() {
    HttpResponse<String> answer = chat("nobody-has-" + RUN + ":7b");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
    assertThat(json(answer).path("code").asString()).isEqualTo("NO_SERVER_FOR_MODEL");
  }

  @Test
  void aPullStreamsItsProgressAndTheModelThenAppears() throws Exception {
    String pulled = "pulled-" + RUN + ":3b";

    List<SseReader.Event> events = pull(serverB, pulled);

    List<SseReader.Event> progress =
        events.stream().filter(e -> e.name().equals("progress")).toList();
    assertThat(progress).isNotEmpty();
    assertThat(progress)
        .anySatisfy(
            e -> {
              JsonNode p = JSON.readTree(e.data());
              assertThat(p.path("total").asLong()).isPositive();
              assertThat(p.path("completed").asLong()).isEqualTo(p.path("total").asLong());
            });
    assertThat(JSON.readTree(progress.get(progress.size() - 1).data()).path("status").asString())
        .isEqualTo("success");
    SseReader.Event done = events.get(events.size() - 1);
    assertThat(done.name()).isEqualTo("done");
    assertThat(names(JSON.readTree(done.data()))).contains(pulled);
    assertThat(simB.modelNames()).contains(pulled);
  }

  @Test
  void aPullThatOllamaFailsInsideItsStreamEndsWithAnErrorEvent() throws Exception {
    simB.failNext(500, "pull model manifest: file does not exist");

    List<SseReader.Event> events = pull(serverB, "broken-" + RUN + ":1b");

    SseReader.Event last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("error");
    assertThat(JSON.readTree(last.data()).path("detail").asString())
        .contains("file does not exist");
    assertThat(simB.modelNames()).doesNotContain("broken-" + RUN + ":1b");
  }

  private List<SseReader.Event> pull(String server, String model) throws Exception {
    HttpResponse<InputStream> response =
        send(
            request("/api/v1/servers/" + server + "/ollama/pull")
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return SseReader.readAll(response.body());
  }

  @Test
  void noGenerationIsRoutedToAnOllamaServer() {
    UUID a = UUID.fromString(serverA);

    assertThat(servers.findById(a).orElseThrow().isRoutable()).isFalse();
    assertThat(servers.findById(a).orElseThrow().isOllamaRoutable()).isTrue();
    assertThat(fleet.candidates(a)).noneMatch(c -> c.id().equals(a));
    assertThat(fleet.candidates(null))
        .anyMatch(c -> c.id().equals(UUID.fromString(comfyServer)))
        .noneMatch(c -> c.id().equals(UUID.fromString(serverB)));
  }

  @Test
  void aRentedOllamaServerExposesOllamasPortAndRecordsItsPublicUrl() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"rented-llm-"
                + RUN
                + "\",\"gpu\":\"RTX 4090\",\"engine\":\"ollama\",\"autoSetup\":false}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    try {
      JsonNode running =
          awaitServer(
              id,
              s -> "RUNNING".equals(s.path("status").asString()) && s.path("ollamaUrl").isString());

      assertThat(running.path("engine").asString()).isEqualTo("ollama");
      assertThat(running.path("ollamaUrl").asString()).startsWith("http://");
      assertThat(running.path("comfyUrl").isString()).isFalse();
    } finally {
      method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    }
  }

  @Test
  void theSandboxFleetProfileChatsWithTheSandboxOllamaServer() {
    String sandboxServer =
        awaitValue(
                () -> servers.findLiveByName("sandbox-ollama"),
                found -> found.isPresent() && found.get().isOllamaRoutable(),
                Duration.ofSeconds(60),
                "a healthy sandbox-ollama server")
            .orElseThrow()
            .getId()
            .toString();
    String profile = null;
    for (JsonNode p : json(get("/api/v1/profiles?size=100", ADMIN_KEY)).path("items")) {
      if (p.path("name").asString().equals("Sandbox Ollama (fleet)")) {
        profile = p.path("id").asString();
        assertThat(p.path("endpoint").asString()).isEqualTo("fleet");
      }
    }
    assertThat(profile).as("the seeded fleet profile").isNotNull();
    probe(sandboxServer);
    long before = sandboxOllama.answersServed();

    HttpResponse<String> answer =
        post(
            "/api/v1/chat",
            user.key(),
            "{\"profileId\":\""
                + profile
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(json(answer).path("model").asString()).isEqualTo("llama3.2:latest");
    assertThat(sandboxOllama.answersServed()).isEqualTo(before + 1);
  }

  @Nested
  class Refusals {

    @Test
    void aComfyUiServerIs409ServerNotOllama() {
      HttpResponse<String> response =
          get("/api/v1/servers/" + comfyServer + "/ollama/models", ADMIN_KEY);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
      assertThat(json(response).path("code").asString()).isEqualTo("SERVER_NOT_OLLAMA");
    }

    @Test
    void anOllamaUrlTheOutboundPolicyRefusesIsNotRegistered() {
      HttpResponse<String> response =
          post(
              "/api/v1/servers",
              ADMIN_KEY,
              "{\"provider\":\"static\",\"engine\":\"ollama\",\"name\":\"private-"
                  + RUN
                  + "\",\"ollamaUrl\":\"http://10.0.0.5:11434\"}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(json(response).path("code").asString()).isEqualTo("URL_NOT_ALLOWED");
    }

    @Test
    void anUnknownServerIs404() {
      HttpResponse<String> response =
          post("/api/v1/servers/" + UUID.randomUUID() + "/ollama/probe", ADMIN_KEY, "");

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(json(response).path("code").asString()).isEqualTo("SERVER_NOT_FOUND");
    }

    @Test
    void aBadModelNameIsAValidationError() {
      HttpResponse<String> response = modelCall(serverA, "load", "no spaces allowed");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    }

    @Test
    void theModelCallsAreForAdmins() {
      HttpResponse<String> response =
          get("/api/v1/servers/" + serverA + "/ollama/models", user.key());

      assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void anOllamaServerNeedsItsUrlAndAFleetEndpointIsForOllamaOnly() {
      HttpResponse<String> noUrl =
          post(
              "/api/v1/servers",
              ADMIN_KEY,
              "{\"provider\":\"static\",\"engine\":\"ollama\",\"name\":\"no-url-" + RUN + "\"}");
      HttpResponse<String> openAiFleet =
          post(
              "/api/v1/profiles",
              ADMIN_KEY,
              "{\"name\":\"bad-fleet-"
                  + RUN
                  + "\",\"provider\":\"openai\",\"endpoint\":\"fleet\",\"apiKey\":\"sk-x\"}");

      assertThat(noUrl.statusCode()).as(noUrl.body()).isEqualTo(400);
      assertThat(json(noUrl).path("errors").findValuesAsString("field")).contains("ollamaUrl");
      assertThat(openAiFleet.statusCode()).as(openAiFleet.body()).isEqualTo(400);
      assertThat(json(openAiFleet).path("errors").findValuesAsString("field")).contains("endpoint");
    }
  }
}
