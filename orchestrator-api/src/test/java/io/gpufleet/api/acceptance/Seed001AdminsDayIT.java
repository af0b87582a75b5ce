package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 001, the ComfyUI and Vast.ai integration: an admin's day. Offers, renting a server, its
 * ComfyUI setup with the output followed live, a schedule with its next action, a generation on
 * that server, its models and a download, a workflow analysis, the limits, and a stop.
 */
class Seed001AdminsDayIT extends AcceptanceTest {

  private static final String HF = "https://huggingface.co/org/model/resolve/main/";

  @Test
  void anAdminRentsSetsUpSchedulesGeneratesOnAndStopsAServer() {
    String admin = adminWithRoom();

    // offers first: what an RTX 4090 costs
    JsonNode offers = json(get("/api/v1/offers?gpu=RTX%204090&gpuCount=1&limit=3", admin));
    assertThat(offers.size()).isPositive();
    assertThat(offers.findValuesAsString("gpu")).containsOnly("RTX 4090");
    long offer = offers.get(0).path("id").asLong();

    // POST /vast-servers: from the offer, setup started by hand below
    String name = unique("day");
    String id =
        rent(
            "{\"name\":\""
                + name
                + "\",\"gpu\":\"RTX 4090\",\"gpuCount\":1,\"disk\":40,\"offerId\":"
                + offer
                + ",\"autoSetup\":false}");
    JsonNode running =
        awaitValue(
            () -> json(get("/api/v1/servers/" + id, admin)),
            s -> "RUNNING".equals(s.path("status").asString()),
            Duration.ofSeconds(60),
            "server running");
    assertThat(running.path("vastId").asString()).isNotBlank();
    assertThat(running.path("pricePerHour").asDouble()).isPositive();
    assertThat(running.path("setUp").asBoolean()).isFalse();
    assertThat(json(get("/api/v1/servers", admin)).path("items").findValuesAsString("name"))
        .contains(name);

    // POST /comfy/startup/{id}, its output live over the socket, then GET /server-executions/{id}
    HttpResponse<String> setup = post("/api/v1/servers/" + id + "/setup", admin, "");
    assertThat(setup.statusCode()).as(setup.body()).isEqualTo(202);
    String run = json(setup).path("id").asString();
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    socket(admin, heard)
        .sendText("{\"type\":\"subscribe\",\"executionIds\":[\"" + run + "\"]}", true)
        .join();
    await(() -> heard.stream().anyMatch(m -> typeOf(m).equals("execution.finished")));
    JsonNode finished =
        heard.stream()
            .filter(m -> typeOf(m).equals("execution.finished"))
            .findFirst()
            .orElseThrow();
    assertThat(finished.path("status").asString()).isEqualTo("SUCCEEDED");
    assertThat(heard.stream().map(AcceptanceTest::typeOf).collect(Collectors.toSet()))
        .contains("execution.state", "execution.output", "execution.progress");
    JsonNode runs = json(get("/api/v1/servers/" + id + "/executions", admin));
    assertThat(runs.get(0).path("id").asString()).isEqualTo(run);
    assertThat(runs.get(0).path("stepTotal").asInt()).isEqualTo(6);
    assertThat(json(get("/api/v1/executions/" + run, admin)).path("output").asString())
        .contains("##STEP 6/6");
    awaitUsable(id);

    // the schedule: office hours, with the next action computed
    HttpResponse<String> schedule =
        method(
            "PUT",
            "/api/v1/servers/" + id + "/schedule",
            admin,
            "{\"autoStart\":true,\"autoStop\":true,\"startTime\":\"08:00\",\"stopTime\":\"18:00\","
                + "\"timezone\":\"America/New_York\",\"weekdays\":[1,2,3,4,5]}");
    assertThat(schedule.statusCode()).as(schedule.body()).isEqualTo(200);
    JsonNode next = json(schedule).path("nextAction");
    assertThat(next.path("action").asString()).isIn("START", "STOP");
    assertThat(next.path("scheduledTime").asString()).isNotBlank();
    assertThat(json(get("/api/v1/servers/" + id + "/schedule", admin)).path("timezone").asString())
        .isEqualTo("America/New_York");
    // taken off again: a scheduled stop must not fall into the rest of this day
    assertThat(method("DELETE", "/api/v1/servers/" + id + "/schedule", admin, null).statusCode())
        .isEqualTo(204);

    // POST /comfy/{id}/generate: on this server, with the seed's parameters
    JsonNode created =
        submit(
            admin,
            "{\"serverId\":\""
                + id
                + "\",\"prompt\":\"a beautiful landscape with mountains\","
                + "\"negativePrompt\":\"blurry, low quality\",\"steps\":6,\"cfg\":7.5,\"seed\":-1,"
                + "\"width\":512,\"height\":384}");
    assertThat(created.has("queuePosition")).isTrue();
    assertThat(created.path("seed").asLong()).isNotEqualTo(-1L);
    String generation = created.path("id").asString();
    JsonNode done = awaitCompleted(admin, generation);
    assertThat(done.path("serverId").asString()).isEqualTo(id);
    Download image = download(admin, done.path("outputs").get(0).path("url").asString());
    assertThat(image.image().getWidth()).isEqualTo(512);
    assertThat(image.image().getHeight()).isEqualTo(384);
    // GET /comfy/generations/{serverId}: the server's history with image URLs
    JsonNode history = json(get("/api/v1/generations?serverId=" + id, admin));
    assertThat(history.path("items").findValuesAsString("id")).contains(generation);

    // models: what is there, a download with progress, then it is there
    JsonNode models = json(get("/api/v1/servers/" + id + "/models", admin));
    assertThat(models.path("folders").path("checkpoints").findValuesAsString("name"))
        .contains("v1-5-pruned-emaonly-fp16.safetensors");
    String lora = "day-" + UUID.randomUUID().toString().substring(0, 6) + ".safetensors";
    HttpResponse<String> download =
        post(
            "/api/v1/servers/" + id + "/models/downloads",
            admin,
            "{\"url\":\"" + HF + lora + "\",\"folder\":\"loras\"}");
    assertThat(download.statusCode()).as(download.body()).isEqualTo(202);
    String downloadId = json(download).path("id").asString();
    JsonNode downloaded =
        awaitValue(
            () -> json(get("/api/v1/model-downloads/" + downloadId, admin)),
            d -> List.of("COMPLETED", "FAILED").contains(d.path("status").asString()),
            Duration.ofSeconds(60),
            "the download ending");
    assertThat(downloaded.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(downloaded.path("totalBytes").asLong()).isPositive();
    assertThat(
            json(get("/api/v1/servers/" + id + "/models", admin))
                .path("folders")
                .path("loras")
                .findValuesAsString("name"))
        .contains(lora);

    // POST /comfy/analyze-workflow/{id}: this server can run the default workflow
    String workflow = workflowId(admin, "SD text-to-image");
    JsonNode analysis = json(post("/api/v1/workflows/" + workflow + "/analyze", admin, ""));
    assertThat(analysis.path("runnableSomewhere").asBoolean()).isTrue();
    assertThat(analysis.path("servers"))
        .anySatisfy(
            s -> {
              assertThat(s.path("serverId").asString()).isEqualTo(id);
              assertThat(s.path("runnable").asBoolean()).isTrue();
            });

    // the limits of seed 001, as bands with what is left
    JsonNode bands = json(get("/api/v1/me/limits", admin)).path("bands");
    assertThat(bands.findValuesAsString("band"))
        .contains("generations/minute", "generations/hour", "generations/day", "requests/minute");

    // the evening: stop (drains first), and a stopped server is told apart from a missing one
    assertThat(post("/api/v1/servers/" + id + "/stop", admin, "").statusCode()).isEqualTo(202);
    awaitValue(
        () -> json(get("/api/v1/servers/" + id, admin)).path("status").asString(),
        "STOPPED"::equals,
        Duration.ofSeconds(60),
        "server stopped");
    HttpResponse<String> notRunning = post("/api/v1/servers/" + id + "/setup", admin, "");
    assertThat(notRunning.statusCode()).isEqualTo(409);
    assertThat(json(notRunning).path("code").asString()).isEqualTo("SERVER_NOT_RUNNING");
    HttpResponse<String> missing = get("/api/v1/servers/" + UUID.randomUUID(), admin);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).path("code").asString()).isEqualTo("SERVER_NOT_FOUND");
  }

  /** An admin of their own: the day's generation does not count against the shared admin key. */
  private String adminWithRoom() {
    TestUser admin = newUser("ADMIN");
    HttpResponse<String> patched =
        method(
            "PATCH",
            "/api/v1/users/" + admin.id(),
            ADMIN_KEY,
            "{\"limits\":{\"generationsPerMinute\":100,\"generationsPerHour\":1000}}");
    assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
    return admin.key();
  }
}
