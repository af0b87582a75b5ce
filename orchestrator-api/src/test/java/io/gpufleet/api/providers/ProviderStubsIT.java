package io.gpufleet.api.providers;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.chat.SseReader;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Chat through profiles whose endpoint is a WireMock stub shaped like each provider's real API
 * (OpenAI chat completions, Anthropic messages, Gemini generateContent, Ollama chat), with their
 * error answers, as a caller of {@code POST /api/v1/chat} sees them.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderStubsIT extends IntegrationTest {

  private static final String KEY = "sk-test-Zq8mW2pLr5Tn7Vx9Yb1Cd3Fg";
  private static final String HELLO =
      "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
          + "{\"role\":\"user\",\"content\":\"Say hello\"}]";
  private static WireMockServer stub;

  private TestUser user;

  @BeforeAll
  static void startStub() {
    stub = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    stub.start();
  }

  @AfterAll
  static void stopStub() {
    stub.stop();
  }

  @BeforeEach
  void resetStub() {
    stub.resetAll();
    user = newUser("USER");
  }

  private String profile(String provider, String path, String model, String extra) {
    HttpResponse<String> created =
        post(
            "/api/v1/profiles",
            ADMIN_KEY,
            ("{\"name\":\"%s-%s\",\"provider\":\"%s\",\"endpoint\":\"%s%s\",\"apiKey\":\"%s\","
                    + "\"defaultModel\":\"%s\",\"options\":{\"timeoutSeconds\":30}%s}")
                .formatted(
                    provider,
                    UUID.randomUUID().toString().substring(0, 8),
                    provider,
                    stub.baseUrl(),
                    path,
                    KEY,
                    model,
                    extra));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private HttpResponse<String> chat(String profileId, boolean stream) {
    return post(
        "/api/v1/chat",
        user.key(),
        "{\"profileId\":\"" + profileId + "\",\"stream\":" + stream + "," + HELLO + "}");
  }

  private java.util.List<SseReader.Event> stream(String profileId) throws Exception {
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
    return SseReader.readAll(response.body());
  }

  private static String tokens(java.util.List<SseReader.Event> events) {
    StringBuilder text = new StringBuilder();
    events.stream()
        .filter(e -> e.name().equals("token"))
        .forEach(e -> text.append(JSON.readTree(e.data()).path("text").asString()));
    return text.toString();
  }

  private static JsonNode done(java.util.List<SseReader.Event> events) {
    SseReader.Event last = events.get(events.size() - 1);
    assertThat(last.name()).isEqualTo("done");
    return JSON.readTree(last.data());
  }

  private void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/problem+json");
    assertThat(json(response).path("code").asString()).isEqualTo(code);
  }

  private static ResponseDefinitionBuilder jsonAnswer(int status, String body) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(body);
  }

  private static ResponseDefinitionBuilder sse(String body) {
    return aResponse()
        .withStatus(200)
        .withHeader("Content-Type", "text/event-stream")
        .withBody(body);
  }

  @Nested
  class OpenAi {
    private static final String PATH = "/v1/chat/completions";
    private String id;

    @BeforeEach
    void profile() {
      id = ProviderStubsIT.this.profile("openai", "/v1", "gpt-4o-mini", pricing());
    }

    private String pricing() {
      return ",\"models\":[{\"model\":\"gpt-4o-mini\",\"inputPricePerMillion\":0.15,"
          + "\"outputPricePerMillion\":0.6}]";
    }

    private MappingBuilder completions() {
      return WireMock.post(urlPathEqualTo(PATH));
    }

    @Test
    void aCompletionIsAnsweredWithItsUsageAndCost() {
      stub.stubFor(
          completions()
              .willReturn(
                  jsonAnswer(
                      200,
                      """
                      {"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion",
                       "created":1741569952,"model":"gpt-4o-mini-2024-07-18",
                       "choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?",
                         "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
                       "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                         "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
                         "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
                           "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
                       "service_tier":"default","system_fingerprint":"fp_06737a9306"}
                      """)));

      HttpResponse<String> response = chat(id, false);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = json(response);
      assertThat(answer.path("response").asString()).isEqualTo("Hello! How can I help?");
      assertThat(answer.path("model").asString()).isEqualTo("gpt-4o-mini-2024-07-18");
      assertThat(answer.path("usage").path("promptTokens").asInt()).isEqualTo(19);
      assertThat(answer.path("usage").path("completionTokens").asInt()).isEqualTo(10);
      // 19 × 0.15 + 10 × 0.6 per million
      assertThat(answer.path("cost").decimalValue()).isEqualByComparingTo("0.000009");
      stub.verify(
          postRequestedFor(urlPathEqualTo(PATH))
              .withHeader("Authorization", equalTo("Bearer " + KEY))
              .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
              .withRequestBody(matchingJsonPath("$.messages[0].role", equalTo("system"))));
    }

    @Test
    void streamedChunksArriveAsTokensWithTheUsageOfTheLastChunk() throws Exception {
      String chunk =
          "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1741569952,"
              + "\"model\":\"gpt-4o-mini-2024-07-18\",\"system_fingerprint\":\"fp_1\",\"choices\":[%s],"
              + "\"usage\":%s}\n\n";
      String delta = "{\"index\":0,\"delta\":{%s},\"logprobs\":null,\"finish_reason\":%s}";
      stub.stubFor(
          completions()
              .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
              .willReturn(
                  sse(
                      chunk.formatted(
                              delta.formatted("\"role\":\"assistant\",\"content\":\"\"", "null"),
                              "null")
                          + chunk.formatted(
                              delta.formatted("\"content\":\"Hello\"", "null"), "null")
                          + chunk.formatted(
                              delta.formatted("\"content\":\" there\"", "null"), "null")
                          + chunk.formatted(delta.formatted("", "\"stop\""), "null")
                          + chunk.formatted(
                              "",
                              "{\"prompt_tokens\":19,\"completion_tokens\":2,\"total_tokens\":21}")
                          + "data: [DONE]\n\n")));

      java.util.List<SseReader.Event> events = stream(id);

      assertThat(tokens(events)).isEqualTo("Hello there");
      JsonNode done = done(events);
      assertThat(done.path("response").asString()).isEqualTo("Hello there");
      assertThat(done.path("usage").path("completionTokens").asInt()).isEqualTo(2);
      assertThat(done.path("usage").path("promptTokens").asInt()).isEqualTo(19);
    }

    @Test
    void aRefusedKeyIsAuthFailedAndTheKeyIsNeitherAnsweredNorLogged(CapturedOutput output) {
      stub.stubFor(
          completions()
              .willReturn(
                  jsonAnswer(
                      401,
                      "{\"error\":{\"message\":\"Incorrect API key provided: "
                          + KEY
                          + ". You can find your API key at https://platform.openai.com/account/api-keys.\","
                          + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}")));

      HttpResponse<String> response = chat(id, false);

      assertProblem(response, 502, "PROVIDER_AUTH_FAILED");
      assertThat(response.body()).doesNotContain(KEY).contains("Incorrect API key provided");
      assertThat(output.getAll()).doesNotContain(KEY);
    }

    @Test
    void aRateLimitIsPassedOnWithItsRetryAfter() {
      stub.stubFor(
          completions()
              .willReturn(
                  jsonAnswer(
                          429,
                          "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini on requests per min"
                              + " (RPM): Limit 3, Used 3, Requested 1.\",\"type\":\"requests\","
                              + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}")
                      .withHeader("retry-after", "20")
                      .withHeader("x-ratelimit-remaining-requests", "0")));

      HttpResponse<String> response = chat(id, false);

      assertProblem(response, 429, "PROVIDER_RATE_LIMITED");
      assertThat(response.headers().firstValue("Retry-After")).hasValue("20");
      assertThat(json(response).path("retryAfterSeconds").asLong()).isEqualTo(20);
      stub.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void anUnknownModelServerErrorsAndTimeoutsKeepTheirCodes() {
      stub.stubFor(
          completions()
              .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-4o-mini")))
              .willReturn(
                  jsonAnswer(
                      500,
                      "{\"error\":{\"message\":\"The server had an error while processing your"
                          + " request. Sorry about that!\",\"type\":\"server_error\",\"param\":null,"
                          + "\"code\":null}}")));
      stub.stubFor(
          completions()
              .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-nope")))
              .willReturn(
                  jsonAnswer(
                      404,
                      "{\"error\":{\"message\":\"The model `gpt-nope` does not exist or you do not"
                          + " have access to it.\",\"type\":\"invalid_request_error\",\"param\":null,"
                          + "\"code\":\"model_not_found\"}}")));
      stub.stubFor(
          completions()
              .withRequestBody(matchingJsonPath("$.model", equalTo("gpt-slow")))
              .willReturn(jsonAnswer(200, "{}").withFixedDelay(6000)));

      assertProblem(chat(id, false), 502, "PROVIDER_ERROR");
      HttpResponse<String> unknown =
          post(
              "/api/v1/chat",
              user.key(),
              "{\"profileId\":\"" + id + "\",\"model\":\"gpt-nope\"," + HELLO + "}");
      assertProblem(unknown, 404, "MODEL_NOT_FOUND");
      // this call's own options: a second is all it may take
      HttpResponse<String> slow =
          post(
              "/api/v1/chat",
              user.key(),
              "{\"profileId\":\""
                  + id
                  + "\",\"model\":\"gpt-slow\",\"options\":{\"timeoutSeconds\":1},"
                  + HELLO
                  + "}");
      assertProblem(slow, 503, "PROVIDER_CONNECTION_ERROR");
      assertThat(json(slow).path("timeout").asBoolean()).isTrue();
    }
  }

  @Nested
  class Claude {
    private String id;

    @BeforeEach
    void profile() {
      id = ProviderStubsIT.this.profile("claude", "", "claude-sonnet-4-20250514", "");
    }

    private MappingBuilder messages() {
      return WireMock.post(urlPathEqualTo("/v1/messages"));
    }

    @Test
    void aMessageIsAnsweredWithItsUsage() {
      stub.stubFor(
          messages()
              .willReturn(
                  jsonAnswer(
                      200,
                      """
                      {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",
                       "model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"Hello!"}],
                       "stop_reason":"end_turn","stop_sequence":null,
                       "usage":{"input_tokens":12,"output_tokens":6}}
                      """)));

      HttpResponse<String> response = chat(id, false);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = json(response);
      assertThat(answer.path("response").asString()).isEqualTo("Hello!");
      assertThat(answer.path("usage").path("promptTokens").asInt()).isEqualTo(12);
      assertThat(answer.path("usage").path("completionTokens").asInt()).isEqualTo(6);
      stub.verify(
          postRequestedFor(urlPathEqualTo("/v1/messages"))
              .withHeader("x-api-key", equalTo(KEY))
              .withHeader("anthropic-version", containing("20"))
              .withRequestBody(matchingJsonPath("$.system", containing("Be brief.")))
              .withRequestBody(matchingJsonPath("$.max_tokens")));
    }

    @Test
    void streamedEventsArriveAsTokens() throws Exception {
      stub.stubFor(
          messages()
              .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
              .willReturn(
                  sse(
                      """
                      event: message_start
                      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-20250514","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

                      event: content_block_start
                      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                      event: ping
                      data: {"type": "ping"}

                      event: content_block_delta
                      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

                      event: content_block_delta
                      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there!"}}

                      event: content_block_stop
                      data: {"type":"content_block_stop","index":0}

                      event: message_delta
                      data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

                      event: message_stop
                      data: {"type":"message_stop"}

                      """)));

      java.util.List<SseReader.Event> events = stream(id);

      assertThat(tokens(events)).isEqualTo("Hello there!");
      JsonNode done = done(events);
      assertThat(done.path("usage").path("promptTokens").asInt()).isEqualTo(25);
      assertThat(done.path("usage").path("completionTokens").asInt()).isEqualTo(15);
    }

    @Test
    void errorsKeepTheirCodes() {
      stub.stubFor(
          messages()
              .willReturn(
                  jsonAnswer(
                      401,
                      "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                          + "\"message\":\"invalid x-api-key\"}}")));
      assertProblem(chat(id, false), 502, "PROVIDER_AUTH_FAILED");

      stub.stubFor(
          messages()
              .willReturn(
                  jsonAnswer(
                          429,
                          "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                              + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}")
                      .withHeader("retry-after", "33")));
      HttpResponse<String> limited = chat(id, false);
      assertProblem(limited, 429, "PROVIDER_RATE_LIMITED");
      assertThat(limited.headers().firstValue("Retry-After")).hasValue("33");

      stub.stubFor(
          messages()
              .willReturn(
                  jsonAnswer(
                      529,
                      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                          + "\"message\":\"Overloaded\"}}")));
      assertProblem(chat(id, false), 502, "PROVIDER_ERROR");
    }
  }

  @Nested
  class Gemini {
    private String id;

    @BeforeEach
    void profile() {
      id = ProviderStubsIT.this.profile("gemini", "", "gemini-2.0-flash", "");
    }

    @Test
    void generateContentIsAnsweredWithItsUsage() {
      stub.stubFor(
          WireMock.post(urlPathMatching("/v1beta/models/gemini-2.0-flash:generateContent"))
              .willReturn(
                  jsonAnswer(
                      200,
                      """
                      {"candidates":[{"content":{"parts":[{"text":"Hello there"}],"role":"model"},
                        "finishReason":"STOP","avgLogprobs":-0.12}],
                       "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8,
                         "promptTokensDetails":[{"modality":"TEXT","tokenCount":5}]},
                       "modelVersion":"gemini-2.0-flash","responseId":"mEx5aP7dJ8ig1dkPxs2PwQY"}
                      """)));

      HttpResponse<String> response = chat(id, false);

      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      JsonNode answer = json(response);
      assertThat(answer.path("response").asString()).isEqualTo("Hello there");
      assertThat(answer.path("usage").path("promptTokens").asInt()).isEqualTo(5);
      assertThat(answer.path("usage").path("completionTokens").asInt()).isEqualTo(3);
      stub.verify(
          postRequestedFor(urlPathMatching(".*gemini-2.0-flash:generateContent"))
              .withHeader("x-goog-api-key", equalTo(KEY)));
    }

    @Test
    void streamGenerateContentArrivesAsTokens() throws Exception {
      stub.stubFor(
          WireMock.post(urlPathMatching("/v1beta/models/gemini-2.0-flash:streamGenerateContent"))
              .willReturn(
                  sse(
                      "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"}}],"
                          + "\"usageMetadata\":{\"promptTokenCount\":5,\"totalTokenCount\":5},"
                          + "\"modelVersion\":\"gemini-2.0-flash\"}\r\n\r\n"
                          + "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"}],\"role\":\"model\"},"
                          + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":5,"
                          + "\"candidatesTokenCount\":2,\"totalTokenCount\":7},"
                          + "\"modelVersion\":\"gemini-2.0-flash\"}\r\n\r\n")));

      java.util.List<SseReader.Event> events = stream(id);

      assertThat(tokens(events)).isEqualTo("Hello");
      assertThat(done(events).path("usage").path("completionTokens").asInt()).isEqualTo(2);
    }

    @Test
    void anInvalidKeyIsAuthFailedAndExhaustedQuotaIsRateLimited() {
      stub.stubFor(
          WireMock.post(urlPathMatching(".*:generateContent"))
              .willReturn(
                  jsonAnswer(
                      400,
                      "{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid"
                          + " API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":"
                          + "\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\","
                          + "\"domain\":\"googleapis.com\"}]}}")));
      assertProblem(chat(id, false), 502, "PROVIDER_AUTH_FAILED");

      stub.stubFor(
          WireMock.post(urlPathMatching(".*:generateContent"))
              .willReturn(
                  jsonAnswer(
                      429,
                      "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check"
                          + " quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}")));
      assertProblem(chat(id, false), 429, "PROVIDER_RATE_LIMITED");

      stub.stubFor(
          WireMock.post(urlPathMatching(".*:generateContent"))
              .willReturn(
                  jsonAnswer(
                      503,
                      "{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try"
                          + " again later.\",\"status\":\"UNAVAILABLE\"}}")));
      assertProblem(chat(id, false), 502, "PROVIDER_ERROR");
    }
  }

  @Nested
  class Ollama {
    private String id;

    @BeforeEach
    void profile() {
      id = ProviderStubsIT.this.profile("ollama", "", "llama3.2", "");
    }

    @Test
    void chatAnswersInOneObjectOrAsNdjsonLines() throws Exception {
      stub.stubFor(
          WireMock.post(urlPathEqualTo("/api/chat"))
              .withRequestBody(matchingJsonPath("$.stream", equalTo("false")))
              .willReturn(
                  jsonAnswer(
                      200,
                      """
                      {"model":"llama3.2","created_at":"2025-10-17T23:14:07.414671Z",
                       "message":{"role":"assistant","content":"Hello! How are you today?"},
                       "done":true,"done_reason":"stop","total_duration":5191566416,
                       "load_duration":2154458,"prompt_eval_count":26,"prompt_eval_duration":383809000,
                       "eval_count":298,"eval_duration":4799921000}
                      """)));
      stub.stubFor(
          WireMock.post(urlPathEqualTo("/api/chat"))
              .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
              .willReturn(
                  aResponse()
                      .withStatus(200)
                      .withHeader("Content-Type", "application/x-ndjson")
                      .withBody(
                          "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-17T23:14:07.4Z\",\"message\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"done\":false}\n"
                              + "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-17T23:14:07.5Z\",\"message\":{\"role\":\"assistant\",\"content\":\"lo\"},\"done\":false}\n"
                              + "{\"model\":\"llama3.2\",\"created_at\":\"2025-10-17T23:14:07.6Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":174560334,\"load_duration\":101397084,\"prompt_eval_count\":11,\"prompt_eval_duration\":13074791,\"eval_count\":2,\"eval_duration\":52479709}\n")));

      JsonNode answer = json(chat(id, false));
      java.util.List<SseReader.Event> events = stream(id);

      assertThat(answer.path("response").asString()).isEqualTo("Hello! How are you today?");
      assertThat(answer.path("usage").path("promptTokens").asInt()).isEqualTo(26);
      assertThat(answer.path("usage").path("completionTokens").asInt()).isEqualTo(298);
      assertThat(tokens(events)).isEqualTo("Hello");
      assertThat(done(events).path("usage").path("completionTokens").asInt()).isEqualTo(2);
    }

    @Test
    void errorsKeepTheirCodes() {
      stub.stubFor(
          WireMock.post(urlPathEqualTo("/api/chat"))
              .willReturn(
                  jsonAnswer(
                      404,
                      "{\"error\":\"model \\\"llama3.2\\\" not found, try pulling it first\"}")));
      HttpResponse<String> missing = chat(id, false);
      assertProblem(missing, 404, "MODEL_NOT_FOUND");
      assertThat(json(missing).path("detail").asString()).contains("try pulling it first");

      stub.stubFor(
          WireMock.post(urlPathEqualTo("/api/chat"))
              .willReturn(
                  jsonAnswer(
                      500, "{\"error\":\"llama runner process has terminated: exit status 2\"}")));
      assertProblem(chat(id, false), 502, "PROVIDER_ERROR");
      assertProblem(chat(id, true), 502, "PROVIDER_ERROR");
    }

    @Test
    void aConnectionTestReadsTheVersionTagsAndCapabilities() {
      stub.stubFor(
          WireMock.get(urlPathEqualTo("/api/version"))
              .willReturn(jsonAnswer(200, "{\"version\":\"0.12.6\"}")));
      stub.stubFor(
          WireMock.get(urlPathEqualTo("/api/tags"))
              .willReturn(
                  jsonAnswer(
                      200,
                      """
                      {"models":[{"name":"gemma3:latest","model":"gemma3:latest",
                        "modified_at":"2025-10-03T23:34:03.409490317-07:00","size":3338801804,
                        "digest":"a2af6cc3eb7fa8be8504abaf9b04e88f17a119ec3f04a3addf55f92841195f5a",
                        "details":{"format":"gguf","family":"gemma","families":["gemma"],
                          "parameter_size":"4.3B","quantization_level":"Q4_K_M"}}]}
                      """)));
      stub.stubFor(
          WireMock.post(urlPathEqualTo("/api/show"))
              .willReturn(
                  jsonAnswer(
                      200,
                      "{\"parameters\":\"temperature 0.7\",\"license\":\"\",\"capabilities\":"
                          + "[\"completion\",\"vision\"],\"modified_at\":\"2025-08-14T15:49:43.634137516-07:00\","
                          + "\"details\":{\"format\":\"gguf\",\"family\":\"gemma3\"},\"model_info\":{}}")));

      JsonNode test = json(post("/api/v1/profiles/" + id + "/test", ADMIN_KEY, ""));
      JsonNode sync = json(post("/api/v1/profiles/" + id + "/models/sync", ADMIN_KEY, ""));

      assertThat(test.path("connected").asBoolean()).as(test.toString()).isTrue();
      assertThat(test.path("version").asString()).isEqualTo("0.12.6");
      assertThat(test.path("models").get(0).asString()).isEqualTo("gemma3:latest");
      assertThat(sync.path("added").asInt()).isEqualTo(1);
      assertThat(
              json(get("/api/v1/profiles/" + id + "/models", ADMIN_KEY))
                  .get(0)
                  .path("vision")
                  .asBoolean())
          .isTrue();
    }
  }
}
