package io.gpufleet.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Importing, choosing inputs, analysing against the fleet and deleting workflows. */
class WorkflowApiIT extends IntegrationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();
  private final List<String> workflows = new ArrayList<>();

  @AfterEach
  void cleanUp() {
    workflows.forEach(id -> method("DELETE", "/api/v1/workflows/" + id, ADMIN_KEY, null));
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void anApiFormatImportDerivesInputsShortcutsAndNeeds() {
    JsonNode created = importWorkflow(textToImage("a fox"));

    assertThat(created.path("nodeClasses").toString()).contains("KSampler", "SaveImage");
    assertThat(created.path("shortcuts").path("prompt").toString()).contains("6/text");
    assertThat(created.path("shortcuts").path("seed").toString()).contains("3/seed");
    assertThat(created.path("models").toString()).contains("v1-5-pruned-emaonly-fp16.safetensors");
    JsonNode inputs =
        json(get("/api/v1/workflows/" + created.path("id").asString() + "/inputs", ADMIN_KEY));
    assertThat(inputs.has("3/steps")).isTrue();
    assertThat(inputs.path("3/steps").path("type").asString()).isEqualTo("INT");
    assertThat(inputs.path("6/text").path("defaultValue").asString()).isEqualTo("a fox");
  }

  @Test
  void aUiFormatImportIsConvertedWithARunningServersNodeDefinitions() {
    fixedServer();
    String ui =
        """
        {"last_node_id": 9, "last_link_id": 9, "version": 0.4,
         "nodes": [
          {"id": 4, "type": "CheckpointLoaderSimple", "mode": 0, "inputs": [],
           "outputs": [{"name": "MODEL", "type": "MODEL", "links": [1]}, {"name": "CLIP", "type": "CLIP", "links": [3, 5]}, {"name": "VAE", "type": "VAE", "links": [8]}],
           "widgets_values": ["v1-5-pruned-emaonly-fp16.safetensors"]},
          {"id": 6, "type": "CLIPTextEncode", "mode": 0, "title": "Positive", "inputs": [{"name": "clip", "type": "CLIP", "link": 3}], "widgets_values": ["a cat in the snow"]},
          {"id": 7, "type": "CLIPTextEncode", "mode": 0, "inputs": [{"name": "clip", "type": "CLIP", "link": 5}], "widgets_values": ["blurry"]},
          {"id": 5, "type": "EmptyLatentImage", "mode": 0, "inputs": [], "widgets_values": [768, 512, 1]},
          {"id": 3, "type": "KSampler", "mode": 0,
           "inputs": [{"name": "model", "type": "MODEL", "link": 1}, {"name": "positive", "type": "CONDITIONING", "link": 4},
                      {"name": "negative", "type": "CONDITIONING", "link": 6}, {"name": "latent_image", "type": "LATENT", "link": 2}],
           "widgets_values": [42, "fixed", 12, 7, "euler", "normal", 1]},
          {"id": 8, "type": "VAEDecode", "mode": 0, "inputs": [{"name": "samples", "type": "LATENT", "link": 7}, {"name": "vae", "type": "VAE", "link": 8}]},
          {"id": 9, "type": "SaveImage", "mode": 0, "inputs": [{"name": "images", "type": "IMAGE", "link": 9}], "widgets_values": ["ComfyUI"]}
         ],
         "links": [[1, 4, 0, 3, 0, "MODEL"], [2, 5, 0, 3, 3, "LATENT"], [3, 4, 1, 6, 0, "CLIP"], [4, 6, 0, 3, 1, "CONDITIONING"],
                   [5, 4, 1, 7, 0, "CLIP"], [6, 7, 0, 3, 2, "CONDITIONING"], [7, 3, 0, 8, 0, "LATENT"], [8, 4, 2, 8, 1, "VAE"],
                   [9, 8, 0, 9, 0, "IMAGE"]]}
        """;

    JsonNode created = importWorkflow(JSON.readTree(ui));

    JsonNode graph = created.path("workflow");
    assertThat(graph.path("3").path("class_type").asString()).isEqualTo("KSampler");
    assertThat(graph.path("3").path("inputs").path("steps").asInt()).isEqualTo(12);
    assertThat(graph.path("6").path("inputs").path("text").asString())
        .isEqualTo("a cat in the snow");
    assertThat(graph.path("5").path("inputs").path("width").asInt()).isEqualTo(768);
  }

  @Test
  void chosenInputsAreTheOnlyOnesListedAndTheOthersAreRefusedOnSubmit() {
    JsonNode created = importWorkflow(textToImage("a fox"));
    String id = created.path("id").asString();
    ObjectNode body = JSON.createObjectNode();
    body.put("name", created.path("name").asString());
    body.set("workflow", created.path("workflow"));
    JsonNode promptInput = null;
    for (JsonNode input : created.path("inputs")) {
      if (input.path("key").asString().equals("6/text")) {
        promptInput = input;
      }
    }
    assertThat(promptInput).isNotNull();
    body.set("inputs", JSON.createArrayNode().add(promptInput));

    HttpResponse<String> replaced =
        method("PUT", "/api/v1/workflows/" + id, ADMIN_KEY, body.toString());

    assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
    JsonNode inputs = json(get("/api/v1/workflows/" + id + "/inputs", ADMIN_KEY));
    assertThat(Set.copyOf(iterableKeys(inputs))).containsExactly("6/text");
    fixedServer();
    TestUser user = newUser("USER");
    HttpResponse<String> refused =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"workflowId\":\"" + id + "\",\"inputs\":{\"3/steps\":5}}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(refused.body()).contains("3/steps");
  }

  @Test
  void badImportsAreRefusedWithTheReason() {
    HttpResponse<String> noName =
        post("/api/v1/workflows", ADMIN_KEY, "{\"name\":\" \",\"workflow\":{}}");
    assertThat(noName.statusCode()).isEqualTo(400);
    assertThat(json(noName).path("errors").toString()).contains("name");

    HttpResponse<String> notAGraph =
        post(
            "/api/v1/workflows",
            ADMIN_KEY,
            "{\"name\":\"broken\",\"workflow\":{\"1\":{\"inputs\":{}}}}");
    assertThat(notAGraph.statusCode()).as(notAGraph.body()).isEqualTo(400);
    assertThat(json(notAGraph).path("code").asString()).isEqualTo("WORKFLOW_INVALID");

    TestUser user = newUser("USER");
    HttpResponse<String> asUser =
        post(
            "/api/v1/workflows",
            user.key(),
            "{\"name\":\"mine\",\"workflow\":" + textToImage("x") + "}");
    assertThat(asUser.statusCode()).isEqualTo(403);
  }

  @Test
  void analysisTellsPerServerWhatIsMissingAndEstimatesFromPastRuns() {
    Server server = fixedServer();
    ObjectNode needsMissingModel = textToImage("a fox");
    ((ObjectNode) needsMissingModel.path("4").path("inputs"))
        .put("ckpt_name", "not-on-any-server.safetensors");
    String missing = importWorkflow(needsMissingModel).path("id").asString();
    String runnable = importWorkflow(textToImage("a fox")).path("id").asString();

    JsonNode lacking = json(post("/api/v1/workflows/" + missing + "/analyze", ADMIN_KEY, ""));
    JsonNode mine = serverIn(lacking, server);
    assertThat(mine.path("runnable").asBoolean()).isFalse();
    assertThat(mine.path("missing").toString()).contains("not-on-any-server.safetensors");

    JsonNode before = json(post("/api/v1/workflows/" + runnable + "/analyze", ADMIN_KEY, ""));
    assertThat(serverIn(before, server).path("runnable").asBoolean()).isTrue();
    assertThat(serverIn(before, server).path("basedOnRuns").asInt()).isZero();
    assertThat(serverIn(before, server).path("estimatedSeconds").isNull()).isTrue();

    TestUser user = newUser("USER");
    HttpResponse<String> submitted =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"workflowId\":\""
                + runnable
                + "\",\"serverId\":\""
                + server.getId()
                + "\",\"steps\":4}");
    assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
    String generation = json(submitted).path("id").asString();
    awaitCompleted(user, generation);

    JsonNode after = json(post("/api/v1/workflows/" + runnable + "/analyze", ADMIN_KEY, ""));
    assertThat(serverIn(after, server).path("basedOnRuns").asInt()).isEqualTo(1);
    assertThat(serverIn(after, server).path("estimatedSeconds").asDouble()).isPositive();
    assertThat(after.path("estimatedSeconds").asDouble())
        .isEqualTo(serverIn(after, server).path("estimatedSeconds").asDouble());
  }

  @Test
  void aDeletedWorkflowIsGone() {
    String id = importWorkflow(textToImage("a fox")).path("id").asString();

    assertThat(method("DELETE", "/api/v1/workflows/" + id, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);

    HttpResponse<String> gone = get("/api/v1/workflows/" + id, ADMIN_KEY);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).path("code").asString()).isEqualTo("WORKFLOW_NOT_FOUND");
  }

  // --- helpers -----------------------------------------------------------------------------

  private JsonNode importWorkflow(JsonNode graph) {
    ObjectNode body = JSON.createObjectNode();
    body.put("name", "wf-" + UUID.randomUUID().toString().substring(0, 8));
    body.set("workflow", graph);
    HttpResponse<String> created = post("/api/v1/workflows", ADMIN_KEY, body.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode view = json(created);
    workflows.add(view.path("id").asString());
    return view;
  }

  private static ObjectNode textToImage(String prompt) {
    try (InputStream in =
        WorkflowApiIT.class.getResourceAsStream("/workflows/sd-text-to-image.json")) {
      ObjectNode graph =
          (ObjectNode)
              JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8)).path("workflow");
      ((ObjectNode) graph.path("6").path("inputs")).put("text", prompt);
      return graph;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private Server fixedServer() {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(40));
    simulators.add(sim);
    Server s =
        servers.save(
            FixedEndpointProvider.runningAt(
                "wf-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl()));
    serverIds.add(s.getId());
    return s;
  }

  private static JsonNode serverIn(JsonNode analysis, Server server) {
    for (JsonNode s : analysis.path("servers")) {
      if (s.path("serverId").asString().equals(server.getId().toString())) {
        return s;
      }
    }
    throw new AssertionError("server " + server.getName() + " not in " + analysis);
  }

  private static List<String> iterableKeys(JsonNode object) {
    List<String> keys = new ArrayList<>();
    object.propertyNames().forEach(keys::add);
    return keys;
  }

  private void awaitCompleted(TestUser user, String id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String status = "";
    while (System.nanoTime() < deadline) {
      status = json(get("/api/v1/generations/" + id, user.key())).path("status").asString();
      if (status.equals("COMPLETED")) {
        return;
      }
      assertThat(status).isIn("QUEUED", "RUNNING");
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("generation " + id + " still " + status);
  }
}
