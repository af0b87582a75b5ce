package io.gpufleet.api.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.chat.SseReader;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Tasks against the sandbox's Ollama simulator and a ComfyUI simulator, over real sockets, on the
 * shared PostgreSQL: text tasks answered with the model's text and tokens, retried on a transient
 * failure and failed with the provider's reason on others, image tasks that end with their
 * generation's outputs, cancel, retry, delete, the list's filters, the export and who may see what.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TasksApiIT extends IntegrationTest {

  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");

  @Autowired OllamaSimulator ollama;
  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private ComfySimulator comfy;
  private UUID serverId;
  private TestUser user;
  private String profileId;

  @BeforeAll
  void aComfyServer() {
    comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
    Server s =
        FixedEndpointProvider.runningAt(
            "tasks-" + UUID.randomUUID().toString().substring(0, 6), comfy.baseUrl());
    servers.save(s);
    serverId = s.getId();
  }

  @AfterAll
  void retire() {
    jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", serverId);
    comfy.close();
  }

  @BeforeEach
  void aUserAndAPricedProfile() {
    ollama.reset();
    user = newUser("USER");
    HttpResponse<String> created =
        post(
            "/api/v1/profiles",
            ADMIN_KEY,
            """
            {"name":"tasks-it-%s","provider":"ollama","endpoint":"%s","defaultModel":"llama3.2:latest",
             "models":[{"model":"llama3.2:latest","inputPricePerMillion":2.0,"outputPricePerMillion":10.0}]}
            """
                .formatted(user.username(), ollama.baseUrl()));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    profileId = json(created).path("id").asString();
  }

  private String textTask(String name, String prompt) {
    HttpResponse<String> created =
        post(
            "/api/v1/tasks",
            user.key(),
            """
            {"name":"%s","type":"text","profileId":"%s","prompt":"%s","systemPrompt":"Be brief.",
             "options":{"temperature":0.2}}
            """
                .formatted(name, profileId, prompt));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }

  private JsonNode task(String id) {
    return json(get("/api/v1/tasks/" + id, user.key()));
  }

  private JsonNode finished(String id) {
    return awaitValue(
        () -> task(id), t -> FINAL.contains(t.path("status").asString()), PATIENCE, "task " + id);
  }

  private JsonNode inStatus(String id, String status) {
    return awaitValue(
        () -> task(id), t -> t.path("status").asString().equals(status), PATIENCE, status);
  }

  @Test
  void aTextTaskIsAcceptedThenCompletesWithTheModelsAnswerAndItsTokens() {
    HttpResponse<String> created =
        post(
            "/api/v1/tasks",
            user.key(),
            "{\"name\":\"Sky\",\"type\":\"text\",\"profileId\":\""
                + profileId
                + "\",\"prompt\":\"Why is the sky blue?\"}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/tasks/" + id);
    assertThat(json(created).path("status").asString()).isIn("PENDING", "RUNNING", "COMPLETED");
    JsonNode done = finished(id);
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(done.path("result").asString()).startsWith("Simulated answer from llama3.2:");
    assertThat(done.path("provider").asString()).isEqualTo("ollama");
    assertThat(done.path("profileId").asString()).isEqualTo(profileId);
    assertThat(done.path("model").asString()).isEqualTo("llama3.2:latest");
    int prompt = done.path("usage").path("promptTokens").asInt();
    int completion = done.path("usage").path("completionTokens").asInt();
    assertThat(completion).isEqualTo(24);
    assertThat(prompt).isPositive();
    assertThat(done.path("cost").decimalValue())
        .isEqualByComparingTo(BigDecimal.valueOf(prompt * 2.0 / 1e6 + completion * 10.0 / 1e6));
    assertThat(done.path("attempts").asInt()).isEqualTo(1);
    assertThat(done.has("startedAt")).isTrue();
    assertThat(done.has("finishedAt")).isTrue();
    assertThat(done.has("error")).isFalse();
    // recorded as chat's usage is: per user, profile and model
    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM llm_usage WHERE user_id = ?::uuid AND profile_id = ?::uuid"
                    + " AND model = 'llama3.2:latest' AND completion_tokens = 24",
                Long.class,
                user.id(),
                profileId))
        .isEqualTo(1L);
  }

  @Test
  void aTasksEventsReplayFromTheStartTellItsWholeLife() throws Exception {
    String id = textTask("events", "Tell me a story");
    finished(id);

    HttpResponse<InputStream> stream =
        send(
            request("/api/v1/tasks/" + id + "/events")
                .header("Authorization", "Bearer " + user.key())
                .header("Last-Event-ID", "0")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());

    assertThat(stream.statusCode()).isEqualTo(200);
    List<String> names = SseReader.readAll(stream.body()).stream().map(e -> e.name()).toList();
    assertThat(names).containsExactly("task.queued", "task.started", "task.completed");
  }

  @Test
  void aTransientProviderFailureIsTriedAgainAndTheTaskCompletes() {
    ollama.failNext(500, "llama runner process has terminated", 1, null);

    String id = textTask("flaky", "Once more");

    JsonNode done = finished(id);
    assertThat(done.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(done.path("attempts").asInt()).isEqualTo(2);
    assertThat(done.path("result").asString()).startsWith("Simulated answer");
  }

  @Test
  void aProviderThatKeepsFailingEndsTheTaskFailedWithItsReason() {
    ollama.failNext(500, "llama runner process has terminated", 3, null);

    String id = textTask("broken", "Anything");

    JsonNode done = finished(id);
    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("attempts").asInt()).isEqualTo(3);
    assertThat(done.path("error").path("code").asString()).isEqualTo("PROVIDER_ERROR");
    assertThat(done.path("error").path("message").asString()).contains("llama runner process");
    assertThat(done.has("result")).isFalse();
  }

  @Test
  void aModelTheProviderDoesNotKnowFailsAtOnceAndARetryRunsItAgain() {
    HttpResponse<String> created =
        post(
            "/api/v1/tasks",
            user.key(),
            "{\"type\":\"text\",\"profileId\":\""
                + profileId
                + "\",\"model\":\"nope:1b\",\"prompt\":\"Hello\"}");
    String id = json(created).path("id").asString();

    JsonNode failed = finished(id);
    assertThat(failed.path("status").asString()).isEqualTo("FAILED");
    assertThat(failed.path("attempts").asInt()).isEqualTo(1);
    assertThat(failed.path("error").path("code").asString()).isEqualTo("MODEL_NOT_FOUND");
    assertThat(failed.path("error").path("message").asString()).contains("nope:1b");
    assertThat(failed.path("name").asString()).isEqualTo("Hello");

    ollama.failNext(500, "still broken", 3, null);
    HttpResponse<String> retried = post("/api/v1/tasks/" + id + "/retry", user.key(), "");
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    assertThat(json(retried).path("retries").asInt()).isEqualTo(1);
    JsonNode again = finished(id);
    assertThat(again.path("error").path("code").asString()).isEqualTo("PROVIDER_ERROR");
    assertThat(post("/api/v1/tasks/" + id + "/cancel", user.key(), "").statusCode()).isEqualTo(409);
  }

  @Test
  void anImageTaskRunsAsAGenerationAndEndsWithItsOutputs() {
    HttpResponse<String> created =
        post(
            "/api/v1/tasks",
            user.key(),
            "{\"name\":\"Lighthouse\",\"type\":\"image\",\"prompt\":\"a lighthouse at dusk\","
                + "\"inputs\":{\"steps\":2}}");

    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();
    String generation = json(created).path("generationId").asString();
    assertThat(generation).isNotBlank();
    JsonNode done = finished(id);
    assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("provider").asString()).isEqualTo("comfyui");
    assertThat(done.path("type").asString()).isEqualTo("image");
    assertThat(done.path("outputs").size()).isPositive();
    String url = done.path("outputs").get(0).path("url").asString();
    assertThat(url).startsWith("/api/v1/generations/" + generation + "/outputs/");
    assertThat(get(url, user.key()).statusCode()).isEqualTo(200);
    JsonNode g = json(get("/api/v1/generations/" + generation, user.key()));
    assertThat(g.path("inputs").path("prompt").asString()).isEqualTo("a lighthouse at dusk");
    assertThat(g.path("status").asString()).isEqualTo("COMPLETED");
  }

  @Test
  void aPendingTaskIsCancelledARunningTextTaskIsNotAndFinishedOnesAreDeleted() {
    ollama.hang();
    String first;
    String second;
    String third;
    try {
      // the replica's two runners are busy with the first two: the third waits
      first = textTask("first", "One");
      second = textTask("second", "Two");
      inStatus(first, "RUNNING");
      inStatus(second, "RUNNING");
      third = textTask("third", "Three");

      HttpResponse<String> cancelled = post("/api/v1/tasks/" + third + "/cancel", user.key(), "");
      HttpResponse<String> running = post("/api/v1/tasks/" + first + "/cancel", user.key(), "");
      HttpResponse<String> deleteRunning =
          method("DELETE", "/api/v1/tasks/" + first, user.key(), null);

      assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
      assertThat(json(cancelled).path("status").asString()).isEqualTo("CANCELLED");
      assertThat(running.statusCode()).isEqualTo(409);
      assertThat(json(running).path("code").asString()).isEqualTo("TASK_NOT_CANCELLABLE");
      assertThat(deleteRunning.statusCode()).isEqualTo(409);
      assertThat(json(deleteRunning).path("code").asString()).isEqualTo("TASK_RUNNING");
    } finally {
      ollama.resume();
    }
    assertThat(finished(first).path("status").asString()).isEqualTo("COMPLETED");
    assertThat(finished(second).path("status").asString()).isEqualTo("COMPLETED");
    JsonNode stillCancelled = task(third);
    assertThat(stillCancelled.path("status").asString()).isEqualTo("CANCELLED");
    assertThat(stillCancelled.path("attempts").asInt()).isZero();

    assertThat(method("DELETE", "/api/v1/tasks/" + first, user.key(), null).statusCode())
        .isEqualTo(204);
    assertThat(get("/api/v1/tasks/" + first, user.key()).statusCode()).isEqualTo(404);
  }

  @Test
  void theListFiltersByStatusProviderTypeAndWordsAndIsTheCallersOwn() {
    String sky = textTask("Sky colours", "Why is the sky blue?");
    String sea = textTask("Sea", "Why is the sea salty?");
    finished(sky);
    finished(sea);
    String image =
        json(post(
                "/api/v1/tasks",
                user.key(),
                "{\"type\":\"image\",\"prompt\":\"a salty sea\",\"inputs\":{\"steps\":2}}"))
            .path("id")
            .asString();
    finished(image);

    assertThat(ids("")).containsExactly(image, sea, sky);
    assertThat(ids("?type=text")).containsExactly(sea, sky);
    assertThat(ids("?provider=comfyui")).containsExactly(image);
    assertThat(ids("?status=completed&provider=ollama")).containsExactly(sea, sky);
    assertThat(ids("?status=FAILED")).isEmpty();
    assertThat(ids("?search=SALTY")).containsExactly(image, sea);
    assertThat(ids("?search=colours")).containsExactly(sky);
    JsonNode page = json(get("/api/v1/tasks?size=2&page=1", user.key()));
    assertThat(page.path("total").asLong()).isEqualTo(3);
    assertThat(page.path("items").size()).isEqualTo(1);

    TestUser other = newUser("USER");
    assertThat(json(get("/api/v1/tasks", other.key())).path("total").asLong()).isZero();
    assertThat(
            json(get("/api/v1/tasks?search=colours&size=200", ADMIN_KEY))
                .path("items")
                .findValuesAsString("id"))
        .contains(sky);

    HttpResponse<String> badStatus = get("/api/v1/tasks?status=done", user.key());
    assertThat(badStatus.statusCode()).isEqualTo(400);
    assertThat(json(badStatus).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    assertThat(get("/api/v1/tasks?type=video", user.key()).statusCode()).isEqualTo(400);
    assertThat(get("/api/v1/tasks?search=a%00b", user.key()).statusCode()).isEqualTo(400);
  }

  @Test
  void theExportHasTheCallersTasksAsCsvOrJson() {
    String sky = textTask("Sky, \\\"quoted\\\"", "=1+1 why is the sky blue?");
    finished(sky);

    HttpResponse<String> csv = get("/api/v1/tasks/export?format=csv", user.key());
    HttpResponse<String> jsonExport = get("/api/v1/tasks/export?format=json", user.key());

    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow()).contains("tasks.csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo(TaskCsv.HEADER);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1))
        .startsWith(sky + ",\"Sky, \"\"quoted\"\"\",text,COMPLETED,ollama,")
        .contains(",'=1+1 why is the sky blue?,");
    assertThat(jsonExport.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("tasks.json");
    JsonNode rows = json(jsonExport);
    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.get(0).path("result").asString()).startsWith("Simulated answer");
    assertThat(rows.get(0).path("usage").path("completionTokens").asInt()).isEqualTo(24);
    assertThat(json(get("/api/v1/tasks/export?format=json", newUser("USER").key())).size())
        .isZero();
    assertThat(get("/api/v1/tasks/export?format=xml", user.key()).statusCode()).isEqualTo(400);
  }

  @Test
  void anotherUserCannotReadCancelRetryOrDeleteATask() {
    String id = textTask("mine", "Private question");
    TestUser other = newUser("USER");

    for (HttpResponse<String> answer :
        List.of(
            get("/api/v1/tasks/" + id, other.key()),
            get("/api/v1/tasks/" + id + "/events", other.key()),
            post("/api/v1/tasks/" + id + "/cancel", other.key(), ""),
            post("/api/v1/tasks/" + id + "/retry", other.key(), ""),
            method("DELETE", "/api/v1/tasks/" + id, other.key(), null))) {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(404);
      assertThat(json(answer).path("code").asString()).isEqualTo("TASK_NOT_FOUND");
    }
    assertThat(finished(id).path("status").asString()).isEqualTo("COMPLETED");
    assertThat(get("/api/v1/tasks/" + id, ADMIN_KEY).statusCode()).isEqualTo(200);
  }

  @Nested
  class Refusals {

    private HttpResponse<String> create(String body) {
      return post("/api/v1/tasks", user.key(), body);
    }

    @Test
    void aTaskOfAnUnknownTypeOrWithoutAPromptIsAValidationError() {
      HttpResponse<String> video = create("{\"type\":\"video\",\"prompt\":\"x\"}");
      HttpResponse<String> noPrompt = create("{\"type\":\"text\",\"provider\":\"ollama\"}");

      assertThat(video.statusCode()).isEqualTo(400);
      assertThat(json(video).path("code").asString()).isEqualTo("VALIDATION_ERROR");
      assertThat(noPrompt.statusCode()).isEqualTo(400);
      assertThat(noPrompt.body()).contains("prompt");
    }

    @Test
    void fieldsOfTheOtherTypeAreRefusedByName() {
      HttpResponse<String> textWithInputs =
          create(
              "{\"type\":\"text\",\"profileId\":\""
                  + profileId
                  + "\",\"prompt\":\"x\",\"inputs\":{\"steps\":2}}");
      HttpResponse<String> imageWithModel =
          create("{\"type\":\"image\",\"prompt\":\"x\",\"model\":\"llama3.2\"}");
      HttpResponse<String> imageOnOllama =
          create("{\"type\":\"image\",\"prompt\":\"x\",\"provider\":\"ollama\"}");

      assertThat(textWithInputs.statusCode()).isEqualTo(400);
      assertThat(json(textWithInputs).path("errors").findValuesAsString("field"))
          .contains("inputs");
      assertThat(imageWithModel.statusCode()).isEqualTo(400);
      assertThat(json(imageWithModel).path("errors").findValuesAsString("field")).contains("model");
      assertThat(imageOnOllama.statusCode()).isEqualTo(400);
      assertThat(json(imageOnOllama).path("errors").findValuesAsString("field"))
          .contains("provider");
    }

    @Test
    void anUnknownProfileIs404AndNothingIsStored() {
      long before =
          jdbc.queryForObject(
              "SELECT count(*) FROM tasks WHERE user_id = ?::uuid", Long.class, user.id());

      HttpResponse<String> response =
          create(
              "{\"type\":\"text\",\"profileId\":\"00000000-0000-0000-0000-000000000000\","
                  + "\"prompt\":\"x\"}");

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(json(response).path("code").asString()).isEqualTo("PROFILE_NOT_FOUND");
      assertThat(
              jdbc.queryForObject(
                  "SELECT count(*) FROM tasks WHERE user_id = ?::uuid", Long.class, user.id()))
          .isEqualTo(before);
    }

    @Test
    void anImageTaskWithAnInputTheWorkflowLacksIsRefusedBeforeAnythingRuns() {
      HttpResponse<String> response =
          create("{\"type\":\"image\",\"prompt\":\"x\",\"inputs\":{\"noSuchInput\":1}}");

      assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
      assertThat(json(get("/api/v1/tasks", user.key())).path("total").asLong()).isZero();
    }
  }

  private List<String> ids(String query) {
    return json(get("/api/v1/tasks" + query, user.key())).path("items").findValuesAsString("id");
  }
}
