package io.gpufleet.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryIT extends IntegrationTest {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private ComfySimulator sim;
  private UUID serverId;
  private TestUser user;
  private String completed;
  private String failed;

  @BeforeAll
  void twoFinishedGenerations() {
    sim = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
    Server s =
        FixedEndpointProvider.runningAt(
            "history-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverId = s.getId();
    user = newUser("USER");
    completed = submit("{\"prompt\":\"a, \\\"quoted\\\" fox\",\"steps\":2}");
    await(() -> Set.of("COMPLETED", "FAILED").contains(status(completed)));
    // an error of the workflow on the server: what passes the platform's checks and still fails
    sim.failNextPrompt("KSampler", "ValueError", "no_such_sampler: invalid sigma schedule");
    failed = submit("{\"steps\":2,\"serverId\":\"" + serverId + "\"}");
    await(() -> status(failed).equals("FAILED"));
  }

  @AfterAll
  void retire() {
    jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", serverId);
    sim.close();
  }

  @Test
  void jsonExportHasTheCallersGenerationsWithTheListFilters() {
    JsonNode all = json(get("/api/v1/generations/export?format=json", user.key()));
    assertThat(ids(all)).containsExactlyInAnyOrder(completed, failed);

    JsonNode onlyFailed =
        json(get("/api/v1/generations/export?format=json&status=FAILED", user.key()));
    assertThat(ids(onlyFailed)).containsExactly(failed);

    TestUser other = newUser("USER");
    assertThat(json(get("/api/v1/generations/export?format=json", other.key())).size()).isZero();
    assertThat(ids(json(get("/api/v1/generations/export?format=json", ADMIN_KEY))))
        .contains(completed, failed);
  }

  @Test
  void csvExportHasAHeaderAndOneRowPerGeneration() {
    HttpResponse<String> csv = get("/api/v1/generations/export?format=csv", user.key());

    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
    assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
        .contains("generations.csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo(HistoryCsv.HEADER);
    assertThat(lines).hasSize(3);
    assertThat(lines.stream().filter(l -> l.startsWith(failed)).findFirst().orElseThrow())
        .contains(",FAILED,");
    assertThat(get("/api/v1/generations/export?format=xml", user.key()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void statsCountByStatusAndDay() {
    JsonNode stats = json(get("/api/v1/generations/stats", user.key()));

    assertThat(stats.path("total").asInt()).isEqualTo(2);
    assertThat(stats.path("byStatus").path("FAILED").asInt()).isEqualTo(1);
    assertThat(stats.path("byStatus").path("COMPLETED").asInt()).isEqualTo(1);
    JsonNode days = stats.path("perDay");
    assertThat(days.size()).isEqualTo(1);
    assertThat(days.get(0).path("day").asString())
        .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(days.get(0).path("total").asInt()).isEqualTo(2);

    JsonNode future =
        json(get("/api/v1/generations/stats?from=" + Instant.now().plusSeconds(3600), user.key()));
    assertThat(future.path("total").asInt()).isZero();
  }

  private static List<String> ids(JsonNode rows) {
    return rows.valueStream().map(r -> r.path("id").asString()).toList();
  }

  private String submit(String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }

  private String status(String id) {
    return json(get("/api/v1/generations/" + id, user.key())).path("status").asString();
  }
}
