package io.gpufleet.simulator.ollama;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The simulated Ollama over a real socket, spoken to as Ollama's own clients do. */
class OllamaSimulatorIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static OllamaSimulator sim;

  @BeforeAll
  static void start() {
    sim = OllamaSimulator.start(OllamaSimulatorConfig.defaults().withTokensPerSecond(2000));
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @BeforeEach
  void clean() {
    sim.reset();
  }

  private static HttpResponse<String> send(String method, String path, String body) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The NDJSON lines of a streamed answer, read as they arrive. */
  private static List<JsonNode> lines(String path, String body) throws Exception {
    HttpResponse<InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    List<JsonNode> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  private static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private static final String HELLO =
      "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
          + "{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]}";

  @Test
  void chatStreamsOneTokenPerLineThenTheCounts() throws Exception {
    List<JsonNode> lines = lines("/api/chat", HELLO);

    JsonNode last = lines.get(lines.size() - 1);
    List<JsonNode> tokens = lines.subList(0, lines.size() - 1);
    assertThat(tokens)
        .hasSize(24)
        .allSatisfy(t -> assertThat(t.path("done").asBoolean()).isFalse());
    assertThat(tokens.get(0).path("message").path("role").asString()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    tokens.forEach(t -> text.append(t.path("message").path("content").asString()));
    assertThat(text.toString()).startsWith("Simulated answer from llama3.2:").endsWith(".");
    assertThat(last.path("done").asBoolean()).isTrue();
    assertThat(last.path("done_reason").asString()).isEqualTo("stop");
    assertThat(last.path("model").asString()).isEqualTo("llama3.2:latest");
    assertThat(last.path("eval_count").asInt()).isEqualTo(24);
    assertThat(last.path("prompt_eval_count").asInt()).isPositive();
    assertThat(last.path("eval_duration").asLong()).isPositive();
    assertThat(last.path("total_duration").asLong()).isPositive();
    assertThat(last.has("load_duration")).isTrue();
  }

  @Test
  void theSamePromptGivesTheSameAnswerAndAnotherPromptAnother() {
    String once =
        json(send("POST", "/api/chat", HELLO.replace("}]}", "}],\"stream\":false}")))
            .path("message")
            .path("content")
            .asString();
    String again =
        json(send("POST", "/api/chat", HELLO.replace("}]}", "}],\"stream\":false}")))
            .path("message")
            .path("content")
            .asString();
    String other =
        json(send(
                "POST",
                "/api/chat",
                HELLO.replace("sky blue", "sea green").replace("}]}", "}],\"stream\":false}")))
            .path("message")
            .path("content")
            .asString();

    assertThat(again).isEqualTo(once);
    assertThat(other).isNotEqualTo(once);
  }

  @Test
  void numPredictCapsTheAnswerWithReasonLength() {
    JsonNode answer =
        json(
            send(
                "POST",
                "/api/chat",
                "{\"model\":\"llama3.2\",\"stream\":false,\"options\":{\"num_predict\":6},"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));

    assertThat(answer.path("eval_count").asInt()).isEqualTo(6);
    assertThat(answer.path("done_reason").asString()).isEqualTo("length");
  }

  @Test
  void generateStreamsResponsesAndEndsWithAContext() throws Exception {
    List<JsonNode> lines =
        lines("/api/generate", "{\"model\":\"qwen2.5:0.5b\",\"prompt\":\"Say hello\"}");

    JsonNode last = lines.get(lines.size() - 1);
    assertThat(lines.get(0).path("response").asString()).isEqualTo("Simulated");
    assertThat(last.path("done").asBoolean()).isTrue();
    assertThat(last.path("context").size()).isGreaterThan(24);
    assertThat(last.path("eval_count").asInt()).isEqualTo(24);
  }

  @Test
  void aModelIsLoadedByUseKeptForKeepAliveAndUnloadedByKeepAliveZero() {
    assertThat(json(send("GET", "/api/ps", null)).path("models").size()).isZero();

    send(
        "POST",
        "/api/generate",
        "{\"model\":\"llama3.2\",\"prompt\":\"hi\",\"stream\":false,\"keep_alive\":\"10m\"}");
    JsonNode ps = json(send("GET", "/api/ps", null)).path("models");
    assertThat(ps.size()).isEqualTo(1);
    assertThat(ps.get(0).path("name").asString()).isEqualTo("llama3.2:latest");
    assertThat(ps.get(0).path("size_vram").asLong()).isPositive();
    assertThat(ps.get(0).path("expires_at").asString()).isNotEmpty();

    JsonNode unload =
        json(
            send(
                "POST",
                "/api/chat",
                "{\"model\":\"llama3.2\",\"messages\":[],\"keep_alive\":0,\"stream\":false}"));
    assertThat(unload.path("done_reason").asString()).isEqualTo("unload");
    assertThat(sim.loadedModels()).isEmpty();

    JsonNode load =
        json(
            send(
                "POST",
                "/api/chat",
                "{\"model\":\"llava:7b\",\"messages\":[],\"keep_alive\":-1,\"stream\":false}"));
    assertThat(load.path("done_reason").asString()).isEqualTo("load");
    assertThat(sim.loadedModels()).containsExactly("llava:7b");
  }

  @Test
  void tagsShowAndVersionDescribeTheModels() {
    JsonNode tags = json(send("GET", "/api/tags", null)).path("models");
    assertThat(tags.size()).isEqualTo(3);
    JsonNode first = tags.get(0);
    assertThat(first.path("name").asString()).isEqualTo("llama3.2:latest");
    assertThat(first.path("size").asLong()).isPositive();
    assertThat(first.path("digest").asString()).hasSize(64);
    assertThat(first.path("details").path("family").asString()).isEqualTo("llama");
    assertThat(first.path("details").path("quantization_level").asString()).isEqualTo("Q4_K_M");

    JsonNode llava = json(send("POST", "/api/show", "{\"model\":\"llava:7b\"}"));
    assertThat(llava.path("capabilities").toString()).contains("vision");
    assertThat(llava.path("model_info").path("general.parameter_count").asLong())
        .isEqualTo(7_000_000_000L);

    assertThat(json(send("GET", "/api/version", null)).path("version").asString())
        .isEqualTo("0.12.6");
    assertThat(send("GET", "/", null).body()).isEqualTo("Ollama is running");
  }

  @Test
  void pullStreamsProgressAndTheModelIsThenListedAndDeletable() throws Exception {
    List<JsonNode> lines = lines("/api/pull", "{\"model\":\"mistral:7b\"}");

    assertThat(lines.get(0).path("status").asString()).isEqualTo("pulling manifest");
    assertThat(lines).anySatisfy(l -> assertThat(l.path("completed").asLong()).isPositive());
    JsonNode lastProgress =
        lines.stream().filter(l -> l.has("completed")).reduce((a, b) -> b).orElseThrow();
    assertThat(lastProgress.path("completed").asLong())
        .isEqualTo(lastProgress.path("total").asLong());
    assertThat(lines.get(lines.size() - 1).path("status").asString()).isEqualTo("success");
    assertThat(sim.modelNames()).contains("mistral:7b");

    assertThat(send("DELETE", "/api/delete", "{\"model\":\"mistral:7b\"}").statusCode())
        .isEqualTo(200);
    assertThat(sim.modelNames()).doesNotContain("mistral:7b");
    assertThat(send("DELETE", "/api/delete", "{\"model\":\"mistral:7b\"}").statusCode())
        .isEqualTo(404);
  }

  @Nested
  class Errors {
    @Test
    void anUnknownModelIs404WithOllamasErrorObject() {
      HttpResponse<String> r =
          send(
              "POST",
              "/api/chat",
              "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(json(r).path("error").asString()).contains("not found, try pulling it first");
    }

    @Test
    void imagesForATextModelAreRefusedAndAcceptedByAVisionModel() {
      String ask =
          "{\"model\":\"%s\",\"stream\":false,\"messages\":[{\"role\":\"user\","
              + "\"content\":\"what is this?\",\"images\":[\"iVBORw0KGgo=\"]}]}";

      assertThat(send("POST", "/api/chat", ask.formatted("llama3.2")).statusCode()).isEqualTo(400);
      HttpResponse<String> vision = send("POST", "/api/chat", ask.formatted("llava:7b"));
      assertThat(vision.statusCode()).isEqualTo(200);
      assertThat(json(vision).path("prompt_eval_count").asInt()).isGreaterThan(576);
    }

    @Test
    void aBadKeepAliveOrBodyIs400() {
      assertThat(
              send(
                      "POST",
                      "/api/generate",
                      "{\"model\":\"llama3.2\",\"prompt\":\"x\",\"keep_alive\":\"soon\"}")
                  .statusCode())
          .isEqualTo(400);
      assertThat(send("POST", "/api/chat", "not json").statusCode()).isEqualTo(400);
      assertThat(send("GET", "/api/chat", null).statusCode()).isEqualTo(405);
    }

    @Test
    void plannedErrorsAnswerTheirStatusAndRetryAfterThenStop() {
      sim.failNext(429, "too many requests", 2, 3L);

      HttpResponse<String> first = send("POST", "/api/chat", HELLO);
      assertThat(first.statusCode()).isEqualTo(429);
      assertThat(first.headers().firstValue("Retry-After")).hasValue("3");
      assertThat(json(first).path("error").asString()).isEqualTo("too many requests");
      assertThat(send("POST", "/api/chat", HELLO).statusCode()).isEqualTo(429);
      assertThat(send("POST", "/api/chat", HELLO).statusCode()).isEqualTo(200);
    }

    @Test
    void aFailedPullIsAnErrorLineInTheStream() throws Exception {
      sim.failNext(500, "pull model manifest: file does not exist");

      List<JsonNode> lines = lines("/api/pull", "{\"model\":\"ghost\"}");

      assertThat(lines.get(lines.size() - 1).path("error").asString())
          .contains("file does not exist");
      assertThat(sim.modelNames()).doesNotContain("ghost:latest");
    }

    @Test
    void aDroppedStreamBreaksOffWithoutItsDoneLine() throws Exception {
      sim.dropNextStreamAfter(3);
      HttpResponse<InputStream> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/chat"))
                  .POST(HttpRequest.BodyPublishers.ofString(HELLO))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      List<String> lines = new ArrayList<>();

      assertThatThrownBy(
              () -> {
                try (BufferedReader reader =
                    new BufferedReader(
                        new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                  for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    lines.add(line);
                  }
                }
              })
          .isInstanceOf(java.io.IOException.class);
      assertThat(lines).hasSize(3).noneMatch(l -> l.contains("\"done\":true"));
    }

    @Test
    void refusedConnectionsComeBackOnTheSamePort() {
      sim.refuseConnections();
      assertThatThrownBy(
              () ->
                  HTTP.send(
                      HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/version")).build(),
                      HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(ConnectException.class);

      sim.acceptConnections();
      assertThat(send("GET", "/api/version", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aHungStreamGoesOnWhenResumed() throws Exception {
      sim.hang();
      var pending =
          HTTP.sendAsync(
              HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/chat"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          HELLO.replace("}]}", "}],\"stream\":false}")))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pending).isNotDone();

      sim.resume();

      assertThat(pending.get().statusCode()).isEqualTo(200);
    }
  }
}
