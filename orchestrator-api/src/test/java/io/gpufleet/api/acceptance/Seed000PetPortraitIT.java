package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Seed 000, the Pet Portrait Generator: a user reads what the workflow needs, uploads a photo into
 * a session, starts an image-to-image generation and follows it over the WebSocket, reads its
 * status, downloads the portrait, and regenerates it with a new seed.
 */
class Seed000PetPortraitIT extends AcceptanceTest {

  @Test
  void aPhotoBecomesAPortraitFollowedLiveThenIsRegeneratedWithANewSeed() {
    fixedServer("pets", 60);
    TestUser owner = userWithRoom();
    assertThat(json(send(request("/api/v1/health").GET().build())).path("status").asString())
        .isEqualTo("UP");

    // GET /api/workflow-info: the inputs an app supplies, and the graph's nodes
    String workflow = workflowId(owner.key(), "SD image-to-image");
    JsonNode inputs = json(get("/api/v1/workflows/" + workflow + "/inputs", owner.key()));
    assertThat(inputs.path("10/image").path("type").asString()).isEqualTo("IMAGE");
    assertThat(inputs.path("6/text").path("type").asString()).isEqualTo("STRING");
    assertThat(inputs.path("6/text").path("title").asString()).isEqualTo("Positive prompt");
    assertThat(json(get("/api/v1/workflows/" + workflow, owner.key())).path("nodeClasses"))
        .extracting(JsonNode::asString)
        .contains("LoadImage", "VAEEncode", "KSampler", "SaveImage");

    // POST /api/upload: a session of its own, then the photo (anything but an image is a 400)
    String session =
        json(post("/api/v1/sessions", owner.key(), "{\"name\":\"Rex\"}")).path("id").asString();
    HttpResponse<String> notAnImage =
        upload(owner.key(), "rex.png", "not a photo".getBytes(StandardCharsets.UTF_8), session);
    assertThat(notAnImage.statusCode()).isEqualTo(400);
    HttpResponse<String> uploaded = upload(owner.key(), "rex.png", png(256, 320), session);
    assertThat(uploaded.statusCode()).as(uploaded.body()).isEqualTo(201);
    String photo = json(uploaded).path("inputValue").asString();
    assertThat(photo).startsWith("upload:");

    // the WebSocket first, so that nothing of the run is missed
    List<JsonNode> heard = new CopyOnWriteArrayList<>();
    socket(owner.key(), heard).sendText("{\"type\":\"subscribe\",\"all\":true}", true).join();
    await(() -> heard.stream().anyMatch(m -> m.path("type").asString().equals("subscribed")));

    // POST /api/generate with userInputs keyed by node: here node/field
    JsonNode started =
        submit(
            owner.key(),
            "{\"workflowId\":\""
                + workflow
                + "\",\"sessionId\":\""
                + session
                + "\",\"steps\":12,\"inputs\":{\"10/image\":\""
                + photo
                + "\",\"6/text\":\"a portrait of a dog, oil painting\"}}");
    String first = started.path("id").asString();
    assertThat(started.path("status").asString()).isEqualTo("QUEUED");
    assertThat(started.path("links").path("events").asString()).contains(first);

    // GET /api/status/:sessionId: here the generation's own status
    JsonNode done = awaitCompleted(owner.key(), first);
    assertThat(done.path("progress").asInt()).isEqualTo(100);
    assertThat(done.path("totalNodes").asInt()).isEqualTo(8);
    assertThat(done.path("executedNodes").asInt()).isEqualTo(8);
    assertThat(done.path("startedAt").isNull()).isFalse();
    assertThat(done.path("finishedAt").asString()).isNotBlank();
    assertThat(done.path("sessionId").asString()).isEqualTo(session);

    // progress, detailed progress (node id, type, title, counts) and the result, live
    await(() -> !heard(heard, first, "generation.completed").isEmpty());
    List<JsonNode> progress = heard(heard, first, "generation.progress");
    assertThat(progress).isNotEmpty();
    assertThat(progress)
        .anySatisfy(
            p -> {
              assertThat(p.path("node").path("type").asString()).isEqualTo("KSampler");
              assertThat(p.path("node").path("id").asString()).isEqualTo("3");
              assertThat(p.path("totalNodes").asInt()).isEqualTo(8);
            });
    assertThat(heard(heard, first, "generation.completed").get(0).toString()).contains(first);

    // GET /api/images/:filename: the portrait, as large as the photo (image-to-image keeps it)
    BufferedImage portrait = downloadPng(owner, done);
    assertThat(portrait.getWidth()).isEqualTo(256);
    assertThat(portrait.getHeight()).isEqualTo(320);

    // POST /api/regenerate: the same inputs, a new random seed
    HttpResponse<String> again =
        post("/api/v1/generations/" + first + "/regenerate", owner.key(), "");
    assertThat(again.statusCode()).as(again.body()).isEqualTo(202);
    String second = json(again).path("id").asString();
    submitted.add(second);
    assertThat(second).isNotEqualTo(first);
    JsonNode redone = awaitCompleted(owner.key(), second);
    assertThat(redone.path("seed").asLong()).isNotEqualTo(done.path("seed").asLong());
    assertThat(redone.path("inputs").path("6/text").asString())
        .isEqualTo("a portrait of a dog, oil painting");
    assertThat(redone.path("sessionId").asString()).isEqualTo(session);
    BufferedImage second_ = downloadPng(owner, redone);
    assertThat(second_.getWidth()).isEqualTo(256);
    assertThat(second_.getHeight()).isEqualTo(320);

    // the session counts both; another user sees neither the session nor the portrait
    JsonNode counts = json(get("/api/v1/sessions/" + session, owner.key())).path("counts");
    assertThat(counts.path("total").asInt()).isEqualTo(2);
    assertThat(counts.path("completed").asInt()).isEqualTo(2);
    TestUser stranger = newUser("USER");
    assertThat(get("/api/v1/sessions/" + session, stranger.key()).statusCode()).isEqualTo(404);
    assertThat(
            download(stranger.key(), done.path("outputs").get(0).path("url").asString()).status())
        .isIn(403, 404);
  }

  private BufferedImage downloadPng(TestUser owner, JsonNode generation) {
    assertThat(generation.path("outputs").size()).isEqualTo(1);
    Download file = download(owner.key(), generation.path("outputs").get(0).path("url").asString());
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.contentType()).startsWith("image/png");
    return file.image();
  }
}
