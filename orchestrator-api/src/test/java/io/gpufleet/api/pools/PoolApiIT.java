package io.gpufleet.api.pools;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The admin's pools API, and the clustered autoscaler job acting on a pool it defines, against the
 * sandbox's simulated Vast.ai.
 */
class PoolApiIT extends IntegrationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  @Test
  void aPoolThatServesNamedWorkflowsKeepsItsServersForThem() {
    String name = "kept-" + UUID.randomUUID().toString().substring(0, 8);
    String workflow = workflowOfItsOwn(name);
    // the pool's server is the fastest and idle: without the reservation it would get jobs
    ComfySimulator kept =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(60));
    ComfySimulator open =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(8));
    List<UUID> registered = new ArrayList<>();
    String pool = null;
    try {
      Server keptServer =
          servers.save(FixedEndpointProvider.runningAt(name + "-kept", kept.baseUrl()));
      Server openServer =
          servers.save(FixedEndpointProvider.runningAt(name + "-open", open.baseUrl()));
      registered.add(keptServer.getId());
      registered.add(openServer.getId());
      HttpResponse<String> created =
          post(
              "/api/v1/pools",
              ADMIN_KEY,
              "{\"name\":\""
                  + name
                  + "\",\"enabled\":false,\"minServers\":0,\"maxServers\":2,\"workflowIds\":[\""
                  + workflow
                  + "\"],\"serverIds\":[\""
                  + keptServer.getId()
                  + "\"]}");
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      pool = json(created).path("id").asString();

      TestUser user = newUser("USER");
      List<String> others = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        others.add(submit(user, "{\"prompt\":\"not the pool's " + i + "\",\"steps\":4}"));
      }
      String ours =
          submit(
              user, "{\"workflowId\":\"" + workflow + "\",\"prompt\":\"the pool's\",\"steps\":4}");
      for (String id : others) {
        JsonNode done = ended(user, id);
        assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
        assertThat(done.path("serverId").asString())
            .as("a job of another workflow on the pool's server")
            .isNotEqualTo(keptServer.getId().toString());
      }
      assertThat(ended(user, ours).path("status").asString()).isEqualTo("COMPLETED");
    } finally {
      if (pool != null) {
        method("DELETE", "/api/v1/pools/" + pool, ADMIN_KEY, null);
      }
      for (UUID id : registered) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
      kept.close();
      open.close();
    }
  }

  private String submit(TestUser user, String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }

  private JsonNode ended(TestUser user, String id) {
    return awaitValue(
        () -> json(get("/api/v1/generations/" + id, user.key())),
        g -> Set.of("COMPLETED", "FAILED", "CANCELLED").contains(g.path("status").asString()),
        Duration.ofSeconds(90),
        "the generation's end");
  }

  @Test
  void anAdminDefinesAPoolAndTheAutoscalerRentsItsMinimumAndLogsWhy() {
    String name = "pool-" + UUID.randomUUID().toString().substring(0, 8);
    // a workflow of its own: the shared context's other classes submit generations of the
    // default one, and a pool serving every workflow would size itself to their demand
    String workflow = workflowOfItsOwn(name);
    HttpResponse<String> created =
        post(
            "/api/v1/pools",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0,\"minServers\":1,"
                + "\"maxServers\":2,\"targetWait\":\"PT2M\",\"idleStopAfter\":\"PT15M\","
                + "\"workflowIds\":[\""
                + workflow
                + "\"]}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode pool = json(created);
    String id = pool.path("id").asString();
    assertThat(created.headers().firstValue("Location")).hasValue("/api/v1/pools/" + id);
    assertThat(pool.path("enabled").asBoolean()).isTrue();
    assertThat(pool.path("targetWait").asString()).isEqualTo("PT2M");
    assertThat(pool.path("idleStopAfter").asString()).isEqualTo("PT15M");
    assertThat(pool.path("spec").path("gpu").asString()).isEqualTo("RTX 4090");
    assertThat(json(get("/api/v1/pools", ADMIN_KEY)).path("items").findValuesAsString("id"))
        .contains(id);

    // the job (every second in tests) rents the minimum and says why
    JsonNode rent =
        awaitValue(
            () -> json(get("/api/v1/pools/" + id + "/decisions", ADMIN_KEY)).path("items"),
            items -> items.size() > 0,
            Duration.ofSeconds(30),
            "a decision");
    JsonNode first = rent.get(rent.size() - 1);
    assertThat(first.path("action").asString()).isEqualTo("RENT");
    assertThat(first.path("outcome").asString()).isEqualTo("EXECUTED");
    assertThat(first.path("reason").asString()).contains("want 1, have 0 ready + 0 booting");
    String serverId = first.path("serverId").asString();
    JsonNode members = json(get("/api/v1/pools/" + id, ADMIN_KEY)).path("servers");
    assertThat(members.findValuesAsString("id")).containsExactly(serverId);
    assertThat(json(get("/api/v1/servers/" + serverId, ADMIN_KEY)).path("name").asString())
        .startsWith(name + "-");
    JsonNode read = json(get("/api/v1/pools/" + id, ADMIN_KEY));
    assertThat(read.path("lastRunAt").isNull()).isFalse();
    assertThat(read.path("lastSummary").asString()).contains("want 1");

    HttpResponse<String> off =
        method("PATCH", "/api/v1/pools/" + id, ADMIN_KEY, "{\"enabled\":false,\"minServers\":0}");
    assertThat(off.statusCode()).as(off.body()).isEqualTo(200);
    assertThat(json(off).path("enabled").asBoolean()).isFalse();
    assertThat(json(off).path("minServers").asInt()).isZero();
    assertThat(json(off).path("maxServers").asInt()).isEqualTo(2);

    assertThat(method("DELETE", "/api/v1/pools/" + id, ADMIN_KEY, null).statusCode())
        .isEqualTo(204);
    HttpResponse<String> gone = get("/api/v1/pools/" + id, ADMIN_KEY);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).path("code").asString()).isEqualTo("POOL_NOT_FOUND");
    // its server stays, in no pool, until the admin destroys it
    assertThat(method("DELETE", "/api/v1/servers/" + serverId, ADMIN_KEY, null).statusCode())
        .isEqualTo(202);
  }

  @Nested
  class Refusals {

    @Test
    void limitsThatContradictEachOtherAreRefusedFieldByField() {
      HttpResponse<String> response =
          post(
              "/api/v1/pools",
              ADMIN_KEY,
              "{\"name\":\"bad-limits\",\"minServers\":3,\"maxServers\":2,"
                  + "\"targetWait\":\"PT0S\",\"timezone\":\"Europe/Berlin\"}");

      assertThat(response.statusCode()).isEqualTo(400);
      assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_ERROR");
      assertThat(json(response).path("errors").findValuesAsString("field"))
          .contains("maxServers", "targetWait");
      assertThat(
              json(get("/api/v1/pools?size=200", ADMIN_KEY))
                  .path("items")
                  .findValuesAsString("name"))
          .doesNotContain("bad-limits");
    }

    @Test
    void aMaximumPastTheCapAnUnknownTimezoneAndAnUnknownWorkflowAreRefused() {
      assertThat(
              fields(
                  post(
                      "/api/v1/pools",
                      ADMIN_KEY,
                      "{\"name\":\"too-big\",\"minServers\":0,\"maxServers\":1000}")))
          .contains("maxServers");
      assertThat(
              fields(
                  post(
                      "/api/v1/pools",
                      ADMIN_KEY,
                      "{\"name\":\"mars\",\"minServers\":0,\"maxServers\":1,"
                          + "\"timezone\":\"Mars/Olympus\"}")))
          .contains("timezone");
      assertThat(
              fields(
                  post(
                      "/api/v1/pools",
                      ADMIN_KEY,
                      "{\"name\":\"no-wf\",\"minServers\":0,\"maxServers\":1,\"workflowIds\":[\""
                          + UUID.randomUUID()
                          + "\"]}")))
          .contains("workflowIds");
    }

    @Test
    void aTakenNameAndAServerOfAnotherPoolAreConflicts() {
      String server = createServer();
      String name = "taken-" + UUID.randomUUID().toString().substring(0, 8);
      String first = pool(name, "\"serverIds\":[\"" + server + "\"]");

      HttpResponse<String> sameName =
          post(
              "/api/v1/pools",
              ADMIN_KEY,
              "{\"name\":\"" + name.toUpperCase() + "\",\"minServers\":0,\"maxServers\":1}");
      assertThat(sameName.statusCode()).isEqualTo(409);
      assertThat(json(sameName).path("code").asString()).isEqualTo("POOL_NAME_TAKEN");

      String second = pool("other-" + UUID.randomUUID().toString().substring(0, 8), null);
      HttpResponse<String> sameServer =
          method(
              "PATCH",
              "/api/v1/pools/" + second,
              ADMIN_KEY,
              "{\"serverIds\":[\"" + server + "\"]}");
      assertThat(sameServer.statusCode()).isEqualTo(409);
      assertThat(json(sameServer).path("code").asString()).isEqualTo("POOL_SERVER_TAKEN");

      method("DELETE", "/api/v1/pools/" + first, ADMIN_KEY, null);
      method("DELETE", "/api/v1/pools/" + second, ADMIN_KEY, null);
      method("DELETE", "/api/v1/servers/" + server, ADMIN_KEY, null);
    }

    @Test
    void theDecisionsOfAnUnknownPoolAreNotFound() {
      HttpResponse<String> response =
          get("/api/v1/pools/" + UUID.randomUUID() + "/decisions", ADMIN_KEY);
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(json(response).path("code").asString()).isEqualTo("POOL_NOT_FOUND");
    }
  }

  /** A disabled pool, so that the job leaves it alone. */
  private String pool(String name, String extra) {
    HttpResponse<String> created =
        post(
            "/api/v1/pools",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "\",\"enabled\":false,\"minServers\":0,\"maxServers\":1"
                + (extra == null ? "" : "," + extra)
                + "}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }

  private java.util.List<String> fields(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(json(response).path("code").asString()).isEqualTo("VALIDATION_ERROR");
    return json(response).path("errors").findValuesAsString("field");
  }

  private String createServer() {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\"p-"
                + UUID.randomUUID().toString().substring(0, 8)
                + "\",\"gpu\":\"RTX 3090\",\"autoSetup\":false}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return json(created).path("id").asString();
  }
}
