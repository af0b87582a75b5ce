package io.gpufleet.api.servers;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.scheduler.setup.PlatformKeyStore;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/** A ComfyUI that exists already, registered by its URL (provider "static"). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class StaticServerIT extends IntegrationTest {

  private static final String TOKEN = "tok-" + UUID.randomUUID();
  @Autowired PlatformKeyStore keys;
  private ComfySimulator comfy;
  private HttpServer guarded;

  @BeforeAll
  void servers() throws IOException {
    comfy = ComfySimulator.start(ComfySimulatorConfig.defaults().withGpu("NVIDIA A40", 48L << 30));
    // an auth proxy in front of a ComfyUI: only the right bearer token gets through
    guarded = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    guarded.createContext(
        "/",
        exchange -> {
          boolean allowed =
              ("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (allowed
                      ? "{\"system\":{\"comfyui_version\":\"0.3.64\",\"os\":\"posix\",\"ram_total\":1,"
                          + "\"ram_free\":1},\"devices\":[]}"
                      : "{\"error\":{\"type\":\"unauthorized\"}}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(allowed ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    guarded.start();
  }

  @AfterAll
  void stop() {
    comfy.close();
    guarded.stop(0);
  }

  @Test
  void testConnectionTellsVersionGpuAndVramAndStoresNothing() {
    long before = json(get("/api/v1/servers", ADMIN_KEY)).path("total").asLong();

    HttpResponse<String> response =
        post(
            "/api/v1/servers/test-connection",
            ADMIN_KEY,
            "{\"comfyUrl\":\"" + comfy.baseUrl() + "\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode result = json(response);
    assertThat(result.path("reachable").asBoolean()).isTrue();
    assertThat(result.path("comfyuiVersion").asString()).isNotBlank();
    assertThat(result.path("gpu").asString()).contains("A40");
    assertThat(result.path("vramTotalMb").asLong()).isEqualTo(48L * 1024);
    assertThat(json(get("/api/v1/servers", ADMIN_KEY)).path("total").asLong()).isEqualTo(before);
  }

  @Test
  void aWrongUrlOrTokenIsRefusedWithAClearProblem() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HttpResponse<String> nothingThere =
        post(
            "/api/v1/servers/test-connection",
            ADMIN_KEY,
            "{\"comfyUrl\":\"http://127.0.0.1:" + closed + "\"}");
    assertThat(nothingThere.statusCode()).isEqualTo(422);
    assertThat(json(nothingThere).path("code").asString()).isEqualTo("COMFY_CONNECTION_FAILED");

    String url = "http://127.0.0.1:" + guarded.getAddress().getPort();
    HttpResponse<String> wrongToken =
        post(
            "/api/v1/servers/test-connection",
            ADMIN_KEY,
            "{\"comfyUrl\":\"" + url + "\",\"token\":\"not-the-token\"}");
    assertThat(wrongToken.statusCode()).isEqualTo(422);
    assertThat(json(wrongToken).path("code").asString()).isEqualTo("COMFY_AUTH_FAILED");
    assertThat(json(wrongToken).path("detail").asString()).contains("refused the token");

    HttpResponse<String> rightToken =
        post(
            "/api/v1/servers/test-connection",
            ADMIN_KEY,
            "{\"comfyUrl\":\"" + url + "\",\"token\":\"" + TOKEN + "\"}");
    assertThat(rightToken.statusCode()).isEqualTo(200);
  }

  @Test
  void aRegisteredServerRunsIsProbedAndNeverShowsItsToken(CapturedOutput output) {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"provider\":\"static\",\"name\":\"desk-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"comfyUrl\":\""
                + comfy.baseUrl()
                + "\",\"token\":\""
                + TOKEN
                + "\",\"pricePerHour\":0.12}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    assertThat(json(created).path("hasToken").asBoolean()).isTrue();
    assertThat(json(created).path("canStartStop").asBoolean()).isFalse();

    JsonNode healthy = await(id, s -> "HEALTHY".equals(s.path("health").asString()));
    assertThat(healthy.path("status").asString()).isEqualTo("RUNNING");
    assertThat(healthy.path("setUp").asBoolean()).isTrue();
    assertThat(healthy.path("provider").asString()).isEqualTo("static");
    assertThat(healthy.path("pricePerHour").asDouble()).isEqualTo(0.12);
    assertThat(get("/api/v1/servers/" + id + "/queue", ADMIN_KEY).statusCode()).isEqualTo(200);

    HttpResponse<String> stop = method("POST", "/api/v1/servers/" + id + "/stop", ADMIN_KEY, null);
    assertThat(stop.statusCode()).isEqualTo(409);
    assertThat(json(stop).path("code").asString()).isEqualTo("PROVIDER_UNSUPPORTED");
    assertThat(json(get("/api/v1/servers/" + id, ADMIN_KEY)).path("status").asString())
        .isEqualTo("RUNNING");

    assertThat(get("/api/v1/servers/" + id, ADMIN_KEY).body()).doesNotContain(TOKEN);
    assertThat(get("/api/v1/servers?size=200", ADMIN_KEY).body()).doesNotContain(TOKEN);
    assertThat(output.getAll()).doesNotContain(TOKEN);

    method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    await(id, s -> "DESTROYED".equals(s.path("status").asString()));
  }

  /**
   * The box's addresses are the admin's, not a rental's: a stop once cleared them, and the box
   * could never be started again (no SSH to run its start command over, no ComfyUI URL).
   */
  @Test
  void aBoxStoppedByItsCommandKeepsItsAddressesAndStartsAgain() throws IOException {
    try (SshSimulator ssh =
        SshSimulator.start(
            SshSimulatorConfig.builder().authorizedKey(keys.keyPair().getPublic()).build())) {
      String id = registerPowered(comfy.baseUrl(), ssh);
      await(id, s -> "RUNNING".equals(s.path("status").asString()));

      HttpResponse<String> stop =
          method("POST", "/api/v1/servers/" + id + "/stop?drain=false", ADMIN_KEY, null);
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);
      JsonNode stopped = await(id, s -> "STOPPED".equals(s.path("status").asString()));
      assertThat(stopped.path("comfyUrl").asString()).isEqualTo(comfy.baseUrl());
      assertThat(stopped.path("ssh").path("port").asInt()).isEqualTo(ssh.port());

      HttpResponse<String> start =
          method("POST", "/api/v1/servers/" + id + "/start", ADMIN_KEY, null);
      assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
      JsonNode running = await(id, s -> "RUNNING".equals(s.path("status").asString()));
      assertThat(running.path("comfyUrl").asString()).isEqualTo(comfy.baseUrl());
      assertThat(Files.readAllLines(ssh.sandboxDir().resolve("root").resolve("power.log")))
          .containsExactly("stop", "start");

      method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
      await(id, s -> "DESTROYED".equals(s.path("status").asString()));
    }
  }

  /**
   * A stop with a drain waits for the box's work, and then runs the stop command only: the box was
   * taken for stopped as soon as a stop was wanted, and "started again" by its start command while
   * its work still ran.
   */
  @Test
  void aDrainingStopOfABusyBoxRunsOnlyItsStopCommandOnceTheWorkEnded() throws Exception {
    try (ComfySimulator box = ComfySimulator.start(ComfySimulatorConfig.defaults());
        SshSimulator ssh =
            SshSimulator.start(
                SshSimulatorConfig.builder().authorizedKey(keys.keyPair().getPublic()).build())) {
      String id = registerPowered(box.baseUrl(), ssh);
      await(id, s -> "HEALTHY".equals(s.path("health").asString()));
      box.hang(); // the generation runs until we let it go on
      TestUser user = newUser("USER");
      HttpResponse<String> created =
          post(
              "/api/v1/generations",
              user.key(),
              "{\"serverId\":\"" + id + "\",\"prompt\":\"a busy box\",\"steps\":2}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      String generation = json(created).path("id").asString();
      awaitGeneration(user, generation, "RUNNING");

      HttpResponse<String> stop =
          method("POST", "/api/v1/servers/" + id + "/stop", ADMIN_KEY, null);
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);
      Path power = ssh.sandboxDir().resolve("root").resolve("power.log");
      // the reconciler looks at the server every second: several rounds while the work runs
      for (int round = 0; round < 15; round++) {
        JsonNode draining = json(get("/api/v1/servers/" + id, ADMIN_KEY));
        assertThat(draining.path("status").asString()).as(draining.toString()).isEqualTo("RUNNING");
        assertThat(draining.path("draining").asBoolean()).isTrue();
        assertThat(Files.exists(power)).as("no command ran while it drained").isFalse();
        Thread.sleep(200);
      }

      box.resume();
      awaitGeneration(user, generation, "COMPLETED");
      await(id, s -> "STOPPED".equals(s.path("status").asString()));
      assertThat(Files.readAllLines(power)).containsExactly("stop");
      method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
      await(id, s -> "DESTROYED".equals(s.path("status").asString()));
    }
  }

  /** A box whose start and stop commands, run over SSH, each leave a line in its power.log. */
  private String registerPowered(String comfyUrl, SshSimulator ssh) {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"provider\":\"static\",\"name\":\"powered-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"comfyUrl\":\""
                + comfyUrl
                + "\",\"ssh\":{\"host\":\"127.0.0.1\",\"port\":"
                + ssh.port()
                + "},\"startCommand\":\"echo start >> power.log\","
                + "\"stopCommand\":\"echo stop >> power.log\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(json(created).path("canStartStop").asBoolean()).isTrue();
    return json(created).path("id").asString();
  }

  private void awaitGeneration(TestUser user, String id, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode generation;
    do {
      generation = json(get("/api/v1/generations/" + id, user.key()));
      if (status.equals(generation.path("status").asString())) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Generation " + id + " never " + status + ": " + generation);
  }

  @Test
  void aStaticServerNeedsAUrlAndCommandsNeedSsh() {
    HttpResponse<String> noUrl =
        post("/api/v1/servers", ADMIN_KEY, "{\"provider\":\"static\",\"name\":\"no-url\"}");
    assertThat(noUrl.statusCode()).isEqualTo(400);
    assertThat(json(noUrl).path("errors").findValuesAsString("field")).contains("comfyUrl");

    HttpResponse<String> noSsh =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"provider\":\"static\",\"name\":\"no-ssh\",\"comfyUrl\":\""
                + comfy.baseUrl()
                + "\",\"startCommand\":\"up\",\"stopCommand\":\"down\"}");
    assertThat(noSsh.statusCode()).isEqualTo(400);
    assertThat(json(noSsh).path("errors").findValuesAsString("field")).contains("ssh");
  }

  private JsonNode await(String id, java.util.function.Predicate<JsonNode> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode server;
    do {
      server = json(get("/api/v1/servers/" + id, ADMIN_KEY));
      if (condition.test(server)) {
        return server;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Server " + id + " never got there: " + server);
  }
}
