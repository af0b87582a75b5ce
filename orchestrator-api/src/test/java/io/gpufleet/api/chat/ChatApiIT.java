package io.gpufleet.api.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Chat through a profile to the sandbox's Ollama simulator, over real sockets. */
class ChatApiIT extends IntegrationTest {

  @Autowired OllamaSimulator ollama;

  private TestUser user;
  private String profileId;

  @BeforeEach
  void setUp() {
    ollama.reset();
    user = newUser("USER");
    // a profile of this test's own, priced, on the sandbox's simulated Ollama
    HttpResponse<String> created =
        post(
            "/api/v1/profiles",
            ADMIN_KEY,
            """
            {"name":"chat-it-%s","provider":"ollama","endpoint":"%s","defaultModel":"llama3.2:latest",
             "options":{"temperature":0.2},
             "models":[{"model":"llama3.2:latest","inputPricePerMillion":2.0,"outputPricePerMillion":10.0},
                       {"model":"llava:7b","vision":true}]}
            """
                .formatted(user.username(), ollama.baseUrl()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    profileId = json(created).path("id").asString();
  }

  private HttpResponse<String> chat(String body) {
    return post("/api/v1/chat", user.key(), body);
  }

  private static final String HELLO =
      "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
          + "{\"role\":\"user\",\"content\":\"Why is the sky blue?\"}]";

  @Test
  void aChatAnswersTheTextTheModelAndTheTokensWithTheirCost() {
    HttpResponse<String> response = chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = json(response);
    assertThat(answer.path("response").asString()).startsWith("Simulated answer from llama3.2:");
    assertThat(answer.path("model").asString()).isEqualTo("llama3.2:latest");
    assertThat(answer.path("provider").asString()).isEqualTo("ollama");
    int prompt = answer.path("usage").path("promptTokens").asInt();
    int completion = answer.path("usage").path("completionTokens").asInt();
    assertThat(completion).isEqualTo(24);
    assertThat(prompt).isPositive();
    assertThat(answer.path("usage").path("totalTokens").asInt()).isEqualTo(prompt + completion);
    assertThat(answer.path("cost").decimalValue())
        .isEqualByComparingTo(
            java.math.BigDecimal.valueOf(prompt * 2.0 / 1e6 + completion * 10.0 / 1e6));
    assertThat(ollama.loadedModels()).contains("llama3.2:latest");
  }

  @Test
  void theSameQuestionGivesTheSameAnswerAndTheModelMayBeChosen() {
    String first =
        json(chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}"))
            .path("response")
            .asString();
    String again =
        json(chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}"))
            .path("response")
            .asString();
    JsonNode qwen =
        json(
            chat("{\"profileId\":\"" + profileId + "\",\"model\":\"qwen2.5:0.5b\"," + HELLO + "}"));

    assertThat(again).isEqualTo(first);
    assertThat(qwen.path("model").asString()).isEqualTo("qwen2.5:0.5b");
    assertThat(qwen.path("cost").decimalValue()).isZero();
  }

  @Test
  void aProviderNameFindsItsFirstEnabledProfile() {
    HttpResponse<String> response = chat("{\"provider\":\"ollama\"," + HELLO + "}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).path("provider").asString()).isEqualTo("ollama");
  }

  @Test
  void imagesGoToAVisionModel() {
    HttpResponse<String> response =
        chat(
            "{\"profileId\":\""
                + profileId
                + "\",\"model\":\"llava:7b\",\"messages\":[{\"role\":\"user\","
                + "\"content\":\"What is in this picture?\","
                + "\"images\":[\"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==\"]}]}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(json(response).path("usage").path("promptTokens").asInt()).isGreaterThan(576);
  }

  @Test
  void aStreamSendsTokensOneByOneThenTheWholeAnswer() throws Exception {
    HttpResponse<InputStream> response =
        send(
            request("/api/v1/chat")
                .header("Authorization", "Bearer " + user.key())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"profileId\":\"" + profileId + "\",\"stream\":true," + HELLO + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/event-stream");
    List<String> seen = new ArrayList<>();
    List<SseReader.Event> events = SseReader.readAll(response.body(), e -> seen.add(e.name()));

    List<SseReader.Event> tokens = events.stream().filter(e -> e.name().equals("token")).toList();
    SseReader.Event done = events.get(events.size() - 1);
    assertThat(tokens).hasSize(24);
    assertThat(seen).endsWith("done").doesNotContain("error");
    StringBuilder text = new StringBuilder();
    tokens.forEach(t -> text.append(JSON.readTree(t.data()).path("text").asString()));
    JsonNode answer = JSON.readTree(done.data());
    assertThat(answer.path("response").asString()).isEqualTo(text.toString());
    assertThat(answer.path("usage").path("completionTokens").asInt()).isEqualTo(24);
    assertThat(answer.path("cost").decimalValue()).isPositive();
  }

  @Test
  void aConnectionOllamaClosedWhileIdleIsSentAgainNotFailed() throws Exception {
    assertThat(chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}").statusCode())
        .isEqualTo(200);

    // a restart closes every kept-alive connection, as an idle timeout or a proxy would
    ollama.refuseConnections();
    ollama.acceptConnections();
    HttpResponse<String> plain = chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}");
    ollama.refuseConnections();
    ollama.acceptConnections();
    HttpResponse<InputStream> streamed =
        send(
            request("/api/v1/chat")
                .header("Authorization", "Bearer " + user.key())
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"profileId\":\"" + profileId + "\",\"stream\":true," + HELLO + "}"))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    assertThat(streamed.statusCode()).isEqualTo(200);
    List<SseReader.Event> events = SseReader.readAll(streamed.body());
    assertThat(events.get(events.size() - 1).name()).isEqualTo("done");
  }

  @Test
  void chatCountsAgainstTheUsersChatBands() {
    HttpResponse<String> response = chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}");

    assertThat(response.headers().firstValue("X-RateLimit-Limit")).isPresent();
    JsonNode bands = json(get("/api/v1/me/limits", user.key())).path("bands");
    JsonNode chatMinute = null;
    for (JsonNode band : bands) {
      if (band.path("band").asString().equals("chat/minute")) {
        chatMinute = band;
      }
    }
    assertThat(chatMinute).isNotNull();
    assertThat(chatMinute.path("remaining").asLong())
        .isEqualTo(chatMinute.path("limit").asLong() - 1);
  }

  @Test
  void aSpentChatBandIs429() {
    String quick =
        "{\"profileId\":\"" + profileId + "\",\"options\":{\"maxTokens\":1}," + HELLO + "}";
    int limit = 20;
    for (int i = 0; i < limit; i++) {
      assertThat(chat(quick).statusCode()).isEqualTo(200);
    }

    HttpResponse<String> refused = chat(quick);

    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(json(refused).path("code").asString()).isEqualTo("RATE_LIMITED");
    assertThat(json(refused).path("band").asString()).isEqualTo("chat/minute");
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void theFleetsSpendIncludesWhatChatCost() {
    JsonNode before = json(get("/api/v1/fleet/summary", ADMIN_KEY));
    JsonNode answer = json(chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}"));

    JsonNode after = json(get("/api/v1/fleet/summary", ADMIN_KEY));

    assertThat(after.path("llmSpentToday").decimalValue())
        .isGreaterThan(before.path("llmSpentToday").decimalValue());
    assertThat(after.path("spentToday").decimalValue())
        .isGreaterThanOrEqualTo(after.path("llmSpentToday").decimalValue());
    assertThat(answer.path("cost").decimalValue()).isPositive();
  }

  @Test
  void usersSeeTheProfilesTheyCanChatThroughWithoutEndpointsOrKeys() {
    HttpResponse<String> response = get("/api/v1/chat/profiles", user.key());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).doesNotContain("endpoint").doesNotContain("apiKey");
    JsonNode mine = null;
    for (JsonNode p : json(response)) {
      if (p.path("id").asString().equals(profileId)) {
        mine = p;
      }
    }
    assertThat(mine).isNotNull();
    assertThat(mine.path("defaultModel").asString()).isEqualTo("llama3.2:latest");
    assertThat(mine.path("models").findValuesAsString("model")).contains("llava:7b");
  }

  @Nested
  class Failures {

    @Test
    void anUnknownProfileOrModelIs404WithItsCode() {
      HttpResponse<String> noProfile =
          chat("{\"profileId\":\"00000000-0000-0000-0000-000000000000\"," + HELLO + "}");
      HttpResponse<String> noModel =
          chat("{\"profileId\":\"" + profileId + "\",\"model\":\"nope:1b\"," + HELLO + "}");

      assertThat(noProfile.statusCode()).isEqualTo(404);
      assertThat(json(noProfile).path("code").asString()).isEqualTo("PROFILE_NOT_FOUND");
      assertThat(noModel.statusCode()).isEqualTo(404);
      assertThat(json(noModel).path("code").asString()).isEqualTo("MODEL_NOT_FOUND");
      assertThat(json(noModel).path("detail").asString()).contains("nope:1b");
    }

    @Test
    void aMalformedConversationIsAValidationError() {
      assertThat(chat("{\"profileId\":\"" + profileId + "\",\"messages\":[]}").statusCode())
          .isEqualTo(400);
      HttpResponse<String> badRole =
          chat(
              "{\"profileId\":\""
                  + profileId
                  + "\",\"messages\":[{\"role\":\"robot\",\"content\":\"x\"}]}");
      assertThat(badRole.statusCode()).isEqualTo(400);
      assertThat(json(badRole).path("code").asString()).isEqualTo("VALIDATION_ERROR");
      assertThat(chat("{" + HELLO + "}").statusCode()).isEqualTo(400);
    }

    @Test
    void theProvidersRateLimitIsPassedOnWithItsRetryAfter() {
      ollama.failNext(429, "server busy, please try again", 1, 7L);

      HttpResponse<String> response = chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}");

      assertThat(response.statusCode()).isEqualTo(429);
      assertThat(json(response).path("code").asString()).isEqualTo("PROVIDER_RATE_LIMITED");
      assertThat(json(response).path("retryAfterSeconds").asLong()).isEqualTo(7);
      assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
    }

    @Test
    void aProviderFailureIs502AndAStreamThatFailsFirstIsAPlainProblem() {
      ollama.failNext(500, "llama runner process has terminated", 2, null);

      HttpResponse<String> plain = chat("{\"profileId\":\"" + profileId + "\"," + HELLO + "}");
      HttpResponse<String> streamed =
          chat("{\"profileId\":\"" + profileId + "\",\"stream\":true," + HELLO + "}");

      assertThat(plain.statusCode()).isEqualTo(502);
      assertThat(json(plain).path("code").asString()).isEqualTo("PROVIDER_ERROR");
      assertThat(json(plain).path("detail").asString()).contains("llama runner process");
      assertThat(streamed.statusCode()).isEqualTo(502);
      assertThat(streamed.headers().firstValue("Content-Type").orElse(""))
          .startsWith("application/problem+json");
    }

    @Test
    void aStreamThatBreaksEndsWithAnErrorEvent() throws Exception {
      ollama.dropNextStreamAfter(5);

      HttpResponse<InputStream> response =
          send(
              request("/api/v1/chat")
                  .header("Authorization", "Bearer " + user.key())
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"profileId\":\"" + profileId + "\",\"stream\":true," + HELLO + "}"))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      List<SseReader.Event> events = SseReader.readAll(response.body(), e -> {});

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(events.stream().filter(e -> e.name().equals("token"))).hasSize(5);
      SseReader.Event last = events.get(events.size() - 1);
      assertThat(last.name()).isEqualTo("error");
      assertThat(JSON.readTree(last.data()).path("code").asString())
          .isEqualTo("PROVIDER_CONNECTION_ERROR");
    }

    @Test
    void anUnreachableProviderIs503() throws Exception {
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      String id =
          json(post(
                  "/api/v1/profiles",
                  ADMIN_KEY,
                  "{\"name\":\"gone-"
                      + user.username()
                      + "\",\"provider\":\"ollama\",\"endpoint\":\"http://127.0.0.1:"
                      + closedPort
                      + "\",\"defaultModel\":\"llama3.2\"}"))
              .path("id")
              .asString();

      HttpResponse<String> response = chat("{\"profileId\":\"" + id + "\"," + HELLO + "}");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(json(response).path("code").asString()).isEqualTo("PROVIDER_CONNECTION_ERROR");
    }

    @Test
    void aComfyProfileDoesNotChat() {
      String id =
          json(post(
                  "/api/v1/profiles",
                  ADMIN_KEY,
                  "{\"name\":\"comfy-"
                      + user.username()
                      + "\",\"provider\":\"comfyui\",\"endpoint\":\"http://127.0.0.1:8188\"}"))
              .path("id")
              .asString();

      HttpResponse<String> response = chat("{\"profileId\":\"" + id + "\"," + HELLO + "}");

      assertThat(response.statusCode()).isEqualTo(409);
      assertThat(json(response).path("code").asString()).isEqualTo("PROVIDER_UNSUPPORTED");
    }
  }
}
