package io.gpufleet.api.models;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.models.DownloadStatus;
import io.gpufleet.persistence.models.ModelDownload;
import io.gpufleet.persistence.models.ModelDownloadRepository;
import io.gpufleet.simulator.sandbox.SandboxDownloads;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Model downloads onto a sandbox server: progress, checksums, limits and refused URLs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelApiIT extends IntegrationTest {

  private static final String HF = "https://huggingface.co/org/model/resolve/main/";
  private static volatile String serverId;

  @Autowired ModelDownloadRepository downloads;

  /** Destroyed afterwards: a healthy server left behind would take other tests' generations. */
  @AfterAll
  void destroyServer() {
    if (serverId != null) {
      method("DELETE", "/api/v1/servers/" + serverId, ADMIN_KEY, null);
      serverId = null;
    }
  }

  @BeforeEach
  void aSetUpServer() {
    synchronized (ModelApiIT.class) {
      if (serverId == null) {
        serverId = setUpServer();
      }
    }
  }

  @Test
  void aDownloadReportsProgressPassesItsChecksumAndBecomesOneOfTheServersModels() throws Exception {
    String name = "m-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
    HttpResponse<String> started =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            ADMIN_KEY,
            "{\"url\":\""
                + HF
                + name
                + "\",\"folder\":\"checkpoints\",\"sha256\":\""
                + zerosSha256()
                + "\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    // a free download slot may have taken it up before the answer was written
    assertThat(json(started).path("status").asString()).isIn("QUEUED", "DOWNLOADING");
    assertThat(json(started).path("filename").asString()).isEqualTo(name);
    assertThat(json(started).path("totalBytes").asLong()).isEqualTo(SandboxDownloads.SIZE_BYTES);

    List<JsonNode> seen = new ArrayList<>();
    JsonNode done = awaitEnd(json(started).path("id").asString(), seen);

    assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
    assertThat(done.path("bytes").asLong()).isEqualTo(SandboxDownloads.SIZE_BYTES);
    assertThat(seen)
        .as("progress while it ran")
        .anySatisfy(
            row -> {
              assertThat(row.path("status").asString()).isEqualTo("DOWNLOADING");
              assertThat(row.path("bytes").asLong())
                  .isPositive()
                  .isLessThan(SandboxDownloads.SIZE_BYTES);
              assertThat(row.path("bytesPerSecond").isNull()).isFalse();
            });

    JsonNode models = json(get("/api/v1/servers/" + serverId + "/models", ADMIN_KEY));
    assertThat(models.path("folders").path("checkpoints").findValuesAsString("name"))
        .contains(name);
    JsonNode file = null;
    for (JsonNode entry : models.path("folders").path("checkpoints")) {
      if (entry.path("name").asString().equals(name)) {
        file = entry;
      }
    }
    assertThat(file.path("sizeBytes").asLong()).isEqualTo(SandboxDownloads.SIZE_BYTES);
    JsonNode options = json(get("/api/v1/servers/" + serverId + "/options", ADMIN_KEY));
    assertThat(options.path("checkpoints").valueStream().map(JsonNode::asString))
        .as("ComfyUI lists it")
        .contains(name);
    JsonNode fleet = json(get("/api/v1/models", ADMIN_KEY));
    assertThat(fleet.findValuesAsString("name")).contains(name);
  }

  @Test
  void routingAvoidsServersWithoutTheModelAndUsesOneOnceItsDownloadCompletes() {
    String name = "route-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
    TestUser user = newUser("USER");
    String request = "{\"prompt\":\"a red fox\",\"steps\":4,\"checkpoint\":\"" + name + "\"}";

    HttpResponse<String> before = post("/api/v1/generations", user.key(), request);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(400);
    assertThat(before.body()).contains(name);

    HttpResponse<String> download =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            ADMIN_KEY,
            "{\"url\":\"" + HF + name + "\",\"folder\":\"checkpoints\"}");
    assertThat(download.statusCode()).as(download.body()).isEqualTo(202);
    assertThat(
            awaitEnd(json(download).path("id").asString(), new ArrayList<>())
                .path("status")
                .asString())
        .isEqualTo("COMPLETED");

    HttpResponse<String> after = post("/api/v1/generations", user.key(), request);
    assertThat(after.statusCode()).as(after.body()).isEqualTo(202);
    String generation = json(after).path("id").asString();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode g;
    do {
      g = json(get("/api/v1/generations/" + generation, user.key()));
      if (g.path("status").asString().equals("COMPLETED")
          || g.path("status").asString().equals("FAILED")) {
        break;
      }
      sleep(250);
    } while (System.nanoTime() < deadline);
    assertThat(g.path("status").asString()).as(g.toString()).isEqualTo("COMPLETED");
    assertThat(g.path("serverId").asString()).isEqualTo(serverId);
  }

  @Test
  void aWrongChecksumFailsTheDownload() {
    String name = "bad-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
    HttpResponse<String> started =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            ADMIN_KEY,
            "{\"url\":\""
                + HF
                + name
                + "\",\"folder\":\"loras\",\"sha256\":\""
                + "ab".repeat(32)
                + "\"}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);

    JsonNode done = awaitEnd(json(started).path("id").asString(), new ArrayList<>());

    assertThat(done.path("status").asString()).isEqualTo("FAILED");
    assertThat(done.path("error").asString()).contains("sha256 mismatch");
    JsonNode models = json(get("/api/v1/servers/" + serverId + "/models", ADMIN_KEY));
    assertThat(models.path("folders").path("loras").findValuesAsString("name"))
        .doesNotContain(name);
  }

  @Test
  void aCancelledDownloadStaysCancelled() {
    HttpResponse<String> started =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            ADMIN_KEY,
            "{\"url\":\"" + HF + "cancel-me.safetensors\",\"folder\":\"vae\"}");
    String id = json(started).path("id").asString();

    HttpResponse<String> cancelled =
        method("DELETE", "/api/v1/model-downloads/" + id, ADMIN_KEY, null);

    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(json(cancelled).path("status").asString()).isEqualTo("CANCELLED");
    assertThat(awaitEnd(id, new ArrayList<>()).path("status").asString()).isEqualTo("CANCELLED");
  }

  @Test
  void theSixthConcurrentDownloadOfAServerIsRefused() {
    UUID admin = UUID.fromString(json(get("/api/v1/me", ADMIN_KEY)).path("id").asString());
    List<ModelDownload> active = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // queued but never handed to a worker: they hold their places in the limit
      active.add(
          downloads.save(
              new ModelDownload(
                  UUID.fromString(serverId),
                  admin,
                  HF + "held-" + i,
                  null,
                  null,
                  "checkpoints",
                  "held-" + i + ".safetensors",
                  null,
                  1L,
                  Instant.now())));
    }
    try {
      HttpResponse<String> sixth =
          post(
              "/api/v1/servers/" + serverId + "/models/downloads",
              ADMIN_KEY,
              "{\"url\":\"" + HF + "sixth.safetensors\",\"folder\":\"checkpoints\"}");

      assertThat(sixth.statusCode()).as(sixth.body()).isEqualTo(429);
      assertThat(json(sixth).path("code").asString()).isEqualTo("DOWNLOAD_LIMIT_REACHED");
      assertThat(sixth.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    } finally {
      active.forEach(
          d -> method("DELETE", "/api/v1/model-downloads/" + d.getId(), ADMIN_KEY, null));
    }
  }

  @Test
  void aUserPastTheDaysBytesIsRefused() {
    TestUser admin = newUser("ADMIN");
    downloads.save(
        ModelDownload.ended(
            UUID.fromString(serverId),
            UUID.fromString(admin.id()),
            HF + "big.safetensors",
            "checkpoints",
            "big.safetensors",
            DownloadStatus.COMPLETED,
            100L * 1024 * 1024 * 1024,
            Instant.now()));

    HttpResponse<String> refused =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            admin.key(),
            "{\"url\":\"" + HF + "more.safetensors\",\"folder\":\"checkpoints\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
    assertThat(json(refused).path("code").asString()).isEqualTo("DOWNLOAD_BUDGET_EXCEEDED");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://huggingface.co/a/b.safetensors",
        "https://127.0.0.1/a.safetensors",
        "https://[::1]/a.safetensors",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/a.safetensors",
        "https://2130706433/a.safetensors",
        "https://0x7f.1/a.safetensors",
        "https://[::ffff:169.254.169.254]/a",
        "https://evil.example.com/a.safetensors",
        "file:///etc/passwd"
      })
  void forgedUrlsAreRefusedWithTheReason(String url) {
    HttpResponse<String> refused =
        post(
            "/api/v1/servers/" + serverId + "/models/downloads",
            ADMIN_KEY,
            "{\"url\":\"" + url + "\",\"folder\":\"checkpoints\",\"filename\":\"x.safetensors\"}");

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
    assertThat(json(refused).path("code").asString()).isEqualTo("MODEL_URL_REFUSED");
    assertThat(json(refused).path("reason").asString()).isNotBlank();
  }

  @Test
  void ensureSkipsServersThatHaveTheModel() {
    String name = "ens-" + UUID.randomUUID().toString().substring(0, 8) + ".safetensors";
    String body =
        "{\"url\":\""
            + HF
            + name
            + "\",\"folder\":\"upscale_models\",\"serverIds\":[\""
            + serverId
            + "\"]}";
    HttpResponse<String> first = post("/api/v1/models/ensure", ADMIN_KEY, body);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(json(first).path("started").size()).isEqualTo(1);
    awaitEnd(json(first).path("started").get(0).path("id").asString(), new ArrayList<>());
    get("/api/v1/servers/" + serverId + "/models", ADMIN_KEY);

    HttpResponse<String> again = post("/api/v1/models/ensure", ADMIN_KEY, body);

    assertThat(json(again).path("started").size()).as(again.body()).isZero();
    assertThat(json(again).path("skipped").findValuesAsString("serverId")).contains(serverId);
  }

  private JsonNode awaitEnd(String downloadId, List<JsonNode> seen) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode latest = null;
    do {
      latest = json(get("/api/v1/model-downloads/" + downloadId, ADMIN_KEY));
      seen.add(latest);
      String status = latest.path("status").asString();
      if (status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED")) {
        return latest;
      }
      sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("The download did not end: " + latest);
  }

  private String setUpServer() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"models-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    JsonNode server;
    do {
      server = json(get("/api/v1/servers/" + id, ADMIN_KEY));
      if (server.path("status").asString().equals("RUNNING") && server.path("setUp").asBoolean()) {
        return id;
      }
      sleep(300);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("The server was not set up: " + server);
  }

  private static String zerosSha256() throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    byte[] block = new byte[64 * 1024];
    for (long left = SandboxDownloads.SIZE_BYTES; left > 0; left -= block.length) {
      digest.update(block, 0, (int) Math.min(block.length, left));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
