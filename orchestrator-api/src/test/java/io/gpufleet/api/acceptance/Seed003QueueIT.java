package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seed 003, the generation server over ComfyUI: jobs submitted with the full parameter set (LoRAs
 * with strengths, sampler, scheduler) answer 202 and wait in a persistent queue by priority, with
 * their place in it; one is cancelled; the health says when a ComfyUI is there; a server dies under
 * a running job, which is retried on another and completes.
 */
class Seed003QueueIT extends AcceptanceTest {

  private static final String LORA = "detail_enhancer.safetensors";

  @Test
  void jobsQueueByPriorityCanBeCancelledAndSurviveTheirServerDying() {
    TestUser user = userWithRoom();
    String workflow = withLora();

    // no server has the LoRA yet: the jobs wait in the platform's queue (other classes' servers
    // may be up in this shared context, so the health's yes/no is checked once ours is)
    String low = job(user, workflow, 0, "a sunset over mountains");
    String lower = job(user, workflow, 0, "a sunrise over the sea");
    String urgent = job(user, workflow, 10, "an urgent lighthouse");
    // positions count every user's queue, and other classes of this shared context may leave
    // jobs waiting at priority 0: the urgent one is ahead of all of them, ours follow in order
    assertThat(queuePosition(user, urgent)).isZero();
    long lowAt = queuePosition(user, low);
    assertThat(lowAt).isPositive();
    assertThat(queuePosition(user, lower)).isEqualTo(lowAt + 1);

    // job cancellation, which the seed lacked
    HttpResponse<String> cancelled =
        post("/api/v1/generations/" + lower + "/cancel", user.key(), "");
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    assertThat(generation(user.key(), lower).path("status").asString()).isEqualTo("CANCELLED");
    assertThat(queuePosition(user, low)).isEqualTo(1);

    // a slow server comes: the urgent job runs first
    Fixed first = fixedServer("queue-a", 8, c -> c.addModel("loras", LORA, 150_000_000L));
    JsonNode running =
        awaitValue(
            () -> generation(user.key(), urgent),
            g -> "RUNNING".equals(g.path("status").asString()) && g.path("step").asInt() > 0,
            Duration.ofSeconds(60),
            "the urgent job running");
    assertThat(running.path("serverId").asString()).isEqualTo(first.id());
    assertThat(running.path("maxSteps").asInt()).isEqualTo(60);
    assertThat(generation(user.key(), low).path("status").asString())
        .as("the earlier, lower job waits")
        .isIn("QUEUED", "RUNNING");
    assertThat(comfyAvailable()).isTrue();

    // the server dies mid-run; another takes the job over
    Fixed second = fixedServer("queue-b", 200, c -> c.addModel("loras", LORA, 150_000_000L));
    first.comfy().crash();
    JsonNode done = awaitCompleted(user.key(), urgent);
    assertThat(done.path("attempts").asInt()).isGreaterThan(1);
    assertThat(done.path("serverId").asString()).isEqualTo(second.id());
    JsonNode alsoDone = awaitCompleted(user.key(), low);
    assertThat(Instant.parse(alsoDone.path("startedAt").asString()))
        .isAfter(Instant.parse(running.path("startedAt").asString()));

    // the image URL, and the exact parameters in the graph that ran
    Download image = download(user.key(), done.path("outputs").get(0).path("url").asString());
    assertThat(image.contentType()).startsWith("image/png");
    assertThat(image.image().getWidth()).isEqualTo(640);
    JsonNode graph = json(get("/api/v1/generations/" + urgent + "/workflow", user.key()));
    assertThat(graph.path("3").path("inputs").path("sampler_name").asString())
        .isEqualTo("dpmpp_2m");
    assertThat(graph.path("3").path("inputs").path("scheduler").asString()).isEqualTo("karras");
    assertThat(graph.path("10").path("inputs").path("lora_name").asString()).isEqualTo(LORA);
    assertThat(graph.path("10").path("inputs").path("strength_model").asDouble()).isEqualTo(0.8);
  }

  private String job(TestUser user, String workflow, int priority, String prompt) {
    return submit(
            user.key(),
            "{\"workflowId\":\""
                + workflow
                + "\",\"priority\":"
                + priority
                + ",\"prompt\":\""
                + prompt
                + "\",\"negativePrompt\":\"blurry\",\"width\":640,\"height\":448,\"steps\":60,"
                + "\"cfg\":7.0,\"seed\":-1,\"loras\":[\""
                + LORA
                + ":0.8\"],\"sampler\":\"dpmpp_2m\",\"scheduler\":\"karras\"}")
        .path("id")
        .asString();
  }

  private long queuePosition(TestUser user, String id) {
    JsonNode g = generation(user.key(), id);
    assertThat(g.path("status").asString()).isEqualTo("QUEUED");
    return g.path("queuePosition").asLong();
  }

  private boolean comfyAvailable() {
    return json(send(request("/api/v1/health").GET().build()))
        .path("fleet")
        .path("comfyAvailable")
        .asBoolean();
  }

  /** The default graph with a LoRA loader between the checkpoint and the sampler. */
  private String withLora() {
    JsonNode graph =
        json(get("/api/v1/workflows/" + workflowId(ADMIN_KEY, "SD text-to-image"), ADMIN_KEY))
            .path("workflow");
    ObjectNode g = (ObjectNode) graph.deepCopy();
    ObjectNode lora = g.putObject("10");
    lora.put("class_type", "LoraLoader");
    ObjectNode in = lora.putObject("inputs");
    in.put("lora_name", "none.safetensors");
    in.put("strength_model", 1.0);
    in.put("strength_clip", 1.0);
    in.putArray("model").add("4").add(0);
    in.putArray("clip").add("4").add(1);
    ((ObjectNode) g.path("3").path("inputs")).putArray("model").add("10").add(0);
    ((ObjectNode) g.path("6").path("inputs")).putArray("clip").add("10").add(1);
    ((ObjectNode) g.path("7").path("inputs")).putArray("clip").add("10").add(1);
    ObjectNode body = JSON.createObjectNode();
    body.put("name", unique("flux-dev-with-lora"));
    body.set("workflow", g);
    HttpResponse<String> created = post("/api/v1/workflows", ADMIN_KEY, body.toString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }
}
