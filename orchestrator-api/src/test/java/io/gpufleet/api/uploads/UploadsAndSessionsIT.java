package io.gpufleet.api.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

class UploadsAndSessionsIT extends IntegrationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired UploadStore store;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();

  @AfterEach
  void retireServers() {
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void uploadsAreCheckedByTheirBytesAndShownOnlyToTheirOwner() {
    TestUser owner = newUser("USER");
    TestUser other = newUser("USER");

    HttpResponse<String> text =
        upload(owner, "notes.png", "just text".getBytes(StandardCharsets.UTF_8), null);
    assertThat(text.statusCode()).isEqualTo(400);
    assertThat(text.body()).contains("PNG, JPEG or WebP");

    HttpResponse<String> png = upload(owner, "../cat.png", png(), null);
    assertThat(png.statusCode()).as(png.body()).isEqualTo(201);
    JsonNode body = json(png);
    String id = body.path("id").asString();
    assertThat(body.path("contentType").asString()).isEqualTo("image/png");
    assertThat(body.path("filename").asString()).doesNotContain("/");
    assertThat(body.path("inputValue").asString()).isEqualTo("upload:" + id);
    assertThat(Files.exists(store.path(UUID.fromString(id)))).isTrue();

    assertThat(get("/api/v1/uploads/" + id, owner.key()).statusCode()).isEqualTo(200);
    assertThat(get("/api/v1/uploads/" + id, other.key()).statusCode()).isEqualTo(404);
    assertThat(get("/api/v1/uploads/" + id, ADMIN_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void anImageToImageGenerationGetsItsUploadOnTheServerAndCountsInItsSession() throws IOException {
    ComfySimulator sim = server("img2img", 50);
    TestUser user = newUser("USER");
    String session =
        json(post("/api/v1/sessions", user.key(), "{\"name\":\"cats\"}")).path("id").asString();
    String upload = json(upload(user, "cat.png", png(), session)).path("id").asString();

    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            user.key(),
            "{\"workflowId\":\""
                + imageToImage(user)
                + "\",\"sessionId\":\""
                + session
                + "\",\"inputs\":{\"10/image\":\"upload:"
                + upload
                + "\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    String id = json(created).path("id").asString();

    await(() -> Set.of("COMPLETED", "FAILED").contains(status(user, id)));
    assertThat(status(user, id))
        .as(get("/api/v1/generations/" + id, user.key()).body())
        .isEqualTo("COMPLETED");
    assertThat(Files.exists(sim.dataDir().resolve("input").resolve("gpufleet-" + upload + ".png")))
        .isTrue();
    JsonNode counts = json(get("/api/v1/sessions/" + session, user.key())).path("counts");
    assertThat(counts.path("total").asInt()).isEqualTo(1);
    assertThat(counts.path("completed").asInt()).isEqualTo(1);
    assertThat(counts.path("failed").asInt()).isZero();
  }

  @Test
  void othersSessionsAndUploadsAreRefused() {
    server("refuse", 50);
    TestUser owner = newUser("USER");
    TestUser other = newUser("USER");
    String session = json(post("/api/v1/sessions", owner.key(), "{}")).path("id").asString();
    String upload = json(upload(owner, "a.png", png(), null)).path("id").asString();

    HttpResponse<String> foreignSession =
        post("/api/v1/generations", other.key(), "{\"sessionId\":\"" + session + "\"}");
    assertThat(foreignSession.statusCode()).isEqualTo(400);
    assertThat(foreignSession.body()).contains("sessionId");

    HttpResponse<String> foreignUpload =
        post(
            "/api/v1/generations",
            other.key(),
            "{\"workflowId\":\""
                + imageToImage(other)
                + "\",\"inputs\":{\"10/image\":\"upload:"
                + upload
                + "\"}}");
    assertThat(foreignUpload.statusCode()).isEqualTo(400);
    assertThat(foreignUpload.body()).contains("10/image");

    assertThat(get("/api/v1/sessions/" + session, other.key()).statusCode()).isEqualTo(404);
    assertThat(json(get("/api/v1/sessions", other.key())).size()).isZero();
    assertThat(
            method("PATCH", "/api/v1/sessions/" + session, owner.key(), "{\"name\":\"renamed\"}")
                .body())
        .contains("renamed");
    assertThat(method("DELETE", "/api/v1/sessions/" + session, other.key(), null).statusCode())
        .isEqualTo(404);
    assertThat(method("DELETE", "/api/v1/sessions/" + session, owner.key(), null).statusCode())
        .isEqualTo(204);
    assertThat(get("/api/v1/sessions/" + session, owner.key()).statusCode()).isEqualTo(404);
  }

  @Test
  void uploadsOfAnIdleSessionExpireWithTheirFiles() {
    TestUser user = newUser("USER");
    String idle = json(post("/api/v1/sessions", user.key(), "{}")).path("id").asString();
    String active = json(post("/api/v1/sessions", user.key(), "{}")).path("id").asString();
    UUID old = UUID.fromString(json(upload(user, "a.png", png(), idle)).path("id").asString());
    UUID fresh = UUID.fromString(json(upload(user, "b.png", png(), active)).path("id").asString());
    jdbc.update(
        "UPDATE generation_sessions SET last_active_at = now() - interval '25 hours' WHERE id = ?",
        UUID.fromString(idle));

    assertThat(store.expire(Instant.now())).isGreaterThanOrEqualTo(1);

    assertThat(get("/api/v1/uploads/" + old, user.key()).statusCode()).isEqualTo(404);
    assertThat(Files.exists(store.path(old))).isFalse();
    assertThat(get("/api/v1/uploads/" + fresh, user.key()).statusCode()).isEqualTo(200);
    assertThat(Files.exists(store.path(fresh))).isTrue();
  }

  // --- helpers -----------------------------------------------------------------------------

  private HttpResponse<String> upload(
      TestUser user, String filename, byte[] bytes, String sessionId) {
    String boundary = "gpufleet-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
    body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        request("/api/v1/uploads" + (sessionId == null ? "" : "?sessionId=" + sessionId))
            .header("Authorization", "Bearer " + user.key())
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build());
  }

  private static byte[] png() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * LoadImage straight into SaveImage: the simulator knows both nodes (not VAEEncode, which the
   * shipped image-to-image workflow needs), and validates LoadImage's image against its input/.
   */
  private String imageToImage(TestUser user) {
    HttpResponse<String> created =
        post(
            "/api/v1/workflows",
            ADMIN_KEY,
            "{\"name\":\"load-and-save-"
                + UUID.randomUUID()
                + "\",\"description\":\"test\",\"workflow\":{"
                + "\"10\":{\"class_type\":\"LoadImage\",\"inputs\":{\"image\":\"example.png\"}},"
                + "\"9\":{\"class_type\":\"SaveImage\",\"inputs\":{\"filename_prefix\":\"t\","
                + "\"images\":[\"10\",0]}}},"
                + "\"inputs\":[{\"key\":\"10/image\",\"type\":\"IMAGE\",\"title\":\"Image\"}]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private ComfySimulator server(String name, double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            name + "-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverIds.add(s.getId());
    return sim;
  }

  private String status(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key())).path("status").asString();
  }
}
