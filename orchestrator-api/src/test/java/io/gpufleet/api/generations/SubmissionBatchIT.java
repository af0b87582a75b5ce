package io.gpufleet.api.generations;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Concurrent submissions share their commits (see {@link SubmissionWriter}): each must still come
 * back with its own generation, stored once, at its own place in the queue, and a user's queue cap
 * must hold however many of their submissions arrive at once.
 */
class SubmissionBatchIT extends IntegrationTest {

  /** Above every priority other classes of the shared context use: the places start at 0. */
  private static final int PRIORITY = 1_000;

  @Test
  void concurrentSubmissionsAreEachStoredOnceAtTheirOwnPlaceInTheQueue() throws Exception {
    String workflow = heldWorkflow("batched");
    List<TestUser> users = List.of(userWithRoom(), userWithRoom(), userWithRoom());
    int count = 48;
    List<HttpResponse<String>> answers =
        concurrently(count, i -> submit(users.get(i % users.size()), workflow));

    Set<String> ids = new HashSet<>();
    Set<Long> places = new HashSet<>();
    for (HttpResponse<String> answer : answers) {
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
      JsonNode created = json(answer);
      assertThat(created.path("status").asString()).isEqualTo("QUEUED");
      ids.add(created.path("id").asString());
      places.add(created.path("queuePosition").asLong());
    }
    assertThat(ids).hasSize(count);
    // one writer commits them in batches: each batch counts the ones before it
    assertThat(places).hasSize(count).allMatch(p -> p >= 0 && p < count);

    for (TestUser user : users) {
      JsonNode listed =
          json(get("/api/v1/generations?status=QUEUED&size=100", user.key())).path("items");
      List<String> theirs = new ArrayList<>();
      listed.forEach(g -> theirs.add(g.path("id").asString()));
      assertThat(theirs).hasSize(count / users.size()).doesNotHaveDuplicates();
      assertThat(ids).containsAll(theirs);
    }
    // the GET of each shows the same place the 202 gave (nothing ran in between)
    JsonNode first = json(answers.get(0));
    assertThat(
            json(get("/api/v1/generations/" + first.path("id").asString(), ADMIN_KEY))
                .path("queuePosition")
                .asLong())
        .isEqualTo(first.path("queuePosition").asLong());
    cancelAll(users);
  }

  @Test
  void aUsersQueueCapHoldsWhenTheirSubmissionsArriveTogether() throws Exception {
    String workflow = heldWorkflow("capped");
    TestUser user = userWithRoom();
    int cap = 200; // gpufleet.generations.max-queued-per-user's default
    List<HttpResponse<String>> answers = concurrently(cap + 12, i -> submit(user, workflow));

    long accepted = answers.stream().filter(a -> a.statusCode() == 202).count();
    List<HttpResponse<String>> refused =
        answers.stream().filter(a -> a.statusCode() != 202).toList();
    assertThat(accepted).isEqualTo(cap);
    assertThat(refused).hasSize(12);
    for (HttpResponse<String> r : refused) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      assertThat(json(r).path("code").asString()).isEqualTo("RATE_LIMITED");
      assertThat(json(r).path("detail").asString()).contains("200 generations queued");
    }
    assertThat(
            json(get("/api/v1/generations?status=QUEUED&size=1", user.key()))
                .path("total")
                .asLong())
        .isEqualTo(cap);
    // another user is not held by this one's full queue
    TestUser other = userWithRoom();
    assertThat(submit(other, workflow).statusCode()).isEqualTo(202);
    cancelAll(List.of(user, other));
  }

  private HttpResponse<String> submit(TestUser user, String workflow) {
    return post(
        "/api/v1/generations",
        user.key(),
        JSON.createObjectNode().put("workflowId", workflow).put("priority", PRIORITY).toString());
  }

  /**
   * A workflow no server of the shared context can start (it needs a LoRA none has): what it queues
   * stays queued.
   */
  private String heldWorkflow(String name) throws Exception {
    JsonNode shipped;
    try (var in = getClass().getResourceAsStream("/workflows/sd-text-to-image.json")) {
      shipped =
          JSON.readTree(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    ObjectNode graph = (ObjectNode) shipped.path("workflow").deepCopy();
    ObjectNode lora = graph.putObject("10");
    lora.put("class_type", "LoraLoader");
    ObjectNode in = lora.putObject("inputs");
    in.put("lora_name", "held-in-queue.safetensors");
    in.put("strength_model", 1.0);
    in.put("strength_clip", 1.0);
    in.putArray("model").add("4").add(0);
    in.putArray("clip").add("4").add(1);
    ((ObjectNode) graph.path("3").path("inputs")).putArray("model").add("10").add(0);
    HttpResponse<String> created =
        post(
            "/api/v1/workflows",
            ADMIN_KEY,
            JSON.createObjectNode()
                .put("name", name + "-" + java.util.UUID.randomUUID().toString().substring(0, 6))
                .set("workflow", graph)
                .toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private TestUser userWithRoom() {
    return userWithLimits(
        "{\"requestsPerMinute\":5000,\"generationsPerMinute\":1000,\"generationsPerHour\":5000}");
  }

  private interface Call {
    HttpResponse<String> run(int index) throws Exception;
  }

  private static List<HttpResponse<String>> concurrently(int count, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit((Callable<HttpResponse<String>>) () -> call.run(index)));
      }
      List<HttpResponse<String>> answers = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        answers.add(f.get());
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Nothing of this class stays queued for the classes after it. */
  private void cancelAll(List<TestUser> users) {
    for (TestUser user : users) {
      JsonNode queued =
          json(get("/api/v1/generations?status=QUEUED&size=200", user.key())).path("items");
      queued.forEach(
          g -> post("/api/v1/generations/" + g.path("id").asString() + "/cancel", user.key(), ""));
    }
  }
}
