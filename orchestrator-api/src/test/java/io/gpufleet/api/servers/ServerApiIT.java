package io.gpufleet.api.servers;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The admin's journey through the servers API, against the sandbox's simulated Vast.ai. */
class ServerApiIT extends IntegrationTest {

  @Test
  void offersMatchingASpecComeBestFirst() {
    HttpResponse<String> response =
        get("/api/v1/offers?gpu=RTX%204090&gpuCount=1&maxPricePerHour=1.5&limit=5", ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode offers = json(response);
    assertThat(offers.size()).isBetween(1, 5);
    assertThat(offers.findValuesAsString("gpu")).containsOnly("RTX 4090");
    assertThat(offers.get(0).path("pricePerHour").asDouble()).isLessThanOrEqualTo(1.5);
  }

  @Test
  void anAdminCreatesAServerSchedulesItStopsAndDestroysIt() {
    String name = "journey-" + UUID.randomUUID().toString().substring(0, 8);
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "\",\"gpu\":\"RTX 4090\",\"gpuCount\":1,\"disk\":40,"
                + "\"maxPricePerHour\":2.0,\"autoSetup\":false}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    assertThat(json(created).path("status").asString()).isEqualTo("PROVISIONING");
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/servers/" + id);

    JsonNode running = awaitStatus(id, "RUNNING");
    assertThat(running.path("vastId").asString()).isNotBlank();
    assertThat(running.path("pricePerHour").asDouble()).isPositive();
    assertThat(running.path("comfyUrl").asString()).startsWith("http://127.0.0.1:");

    HttpResponse<String> schedule =
        method(
            "PUT",
            "/api/v1/servers/" + id + "/schedule",
            ADMIN_KEY,
            "{\"autoStart\":true,\"autoStop\":true,\"startTime\":\"08:00\",\"stopTime\":\"20:00\","
                + "\"timezone\":\"Europe/Berlin\",\"weekdays\":[1,2,3,4,5]}");
    assertThat(schedule.statusCode()).as(schedule.body()).isEqualTo(200);
    JsonNode next = json(schedule).path("nextAction");
    assertThat(next.path("action").asString()).isIn("START", "STOP");
    assertThat(Instant.parse(next.path("scheduledTime").asString())).isAfter(Instant.now());
    assertThat(json(get("/api/v1/servers/" + id + "/schedule", ADMIN_KEY)).path("weekdays").size())
        .isEqualTo(5);

    HttpResponse<String> stop =
        method("POST", "/api/v1/servers/" + id + "/stop?drain=false", ADMIN_KEY, null);
    assertThat(stop.statusCode()).isEqualTo(202);
    assertThat(awaitStatus(id, "STOPPED").path("comfyUrl").isNull()).isTrue();

    HttpResponse<String> destroy = method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    assertThat(destroy.statusCode()).isEqualTo(202);
    awaitStatus(id, "DESTROYED");
    assertThat(json(get("/api/v1/servers", ADMIN_KEY)).path("items").findValuesAsString("id"))
        .doesNotContain(id);
  }

  @Test
  void theSandboxSetsUpANewServerAndItsComfyUiAnswers() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"setup-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    awaitStatus(id, "RUNNING");

    JsonNode run = awaitExecution(id);
    assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
    assertThat(run.path("stepTotal").asInt()).isEqualTo(6);
    assertThat(run.path("progress").asInt()).isEqualTo(100);
    JsonNode full = json(get("/api/v1/executions/" + run.path("id").asString(), ADMIN_KEY));
    assertThat(full.path("output").asString()).contains("##STEP 1/6").contains("##STEP 6/6");
    JsonNode page =
        json(get("/api/v1/executions/" + run.path("id").asString() + "/output?from=10", ADMIN_KEY));
    assertThat(page.path("from").asLong()).isEqualTo(10);
    assertThat(page.path("next").asLong()).isEqualTo(full.path("outputLength").asLong());

    JsonNode server = json(get("/api/v1/servers/" + id, ADMIN_KEY));
    assertThat(server.path("setUp").asBoolean()).isTrue();
    JsonNode options = json(get("/api/v1/servers/" + id + "/options", ADMIN_KEY));
    assertThat(options.path("checkpoints").size()).isPositive();
    assertThat(options.path("samplers").size()).isPositive();
    assertThat(get("/api/v1/servers/" + id + "/system-stats", ADMIN_KEY).statusCode())
        .isEqualTo(200);

    method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    awaitStatus(id, "DESTROYED");
  }

  private JsonNode awaitExecution(String serverId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode latest = null;
    do {
      JsonNode runs = json(get("/api/v1/servers/" + serverId + "/executions", ADMIN_KEY));
      if (runs.size() > 0) {
        latest = runs.get(0);
        String status = latest.path("status").asString();
        if (!status.equals("QUEUED") && !status.equals("RUNNING")) {
          return latest;
        }
      }
      sleep(300);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("No setup run of " + serverId + " ended: " + latest);
  }

  @Test
  void aBadScheduleIsRefusedFieldByField() {
    String id = createServer();

    HttpResponse<String> response =
        method(
            "PUT",
            "/api/v1/servers/" + id + "/schedule",
            ADMIN_KEY,
            "{\"autoStart\":true,\"startTime\":\"08:00\",\"timezone\":\"Mars/Olympus\",\"weekdays\":[0,9]}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    assertThat(json(response).path("errors").findValuesAsString("field"))
        .contains("timezone", "weekdays");
    assertThat(get("/api/v1/servers/" + id + "/schedule", ADMIN_KEY).statusCode()).isEqualTo(404);
  }

  @Test
  void opsOnAServerWithoutARunningComfyUiSayWhy() {
    String id = createServer();

    HttpResponse<String> response = get("/api/v1/servers/" + id + "/system-stats", ADMIN_KEY);

    assertThat(response.statusCode()).isIn(409, 502);
    assertThat(json(response).path("code").asString())
        .isIn("SERVER_NOT_RUNNING", "COMFY_CONNECTION_FAILED");
  }

  @Test
  void anUnknownServerIsNotFound() {
    HttpResponse<String> response = get("/api/v1/servers/" + UUID.randomUUID(), ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(json(response).path("code").asString()).isEqualTo("SERVER_NOT_FOUND");
  }

  private String createServer() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"s-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"gpu\":\"RTX 3090\",\"autoSetup\":false}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private JsonNode awaitStatus(String id, String status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode server;
    do {
      server = json(get("/api/v1/servers/" + id, ADMIN_KEY));
      if (status.equals(server.path("status").asString())) {
        return server;
      }
      sleep(200);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("Server " + id + " did not become " + status + ": " + server);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
