package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** infra/grafana: a dashboard over metrics the platform really exposes. */
class GrafanaDashboardTest {

  /**
   * Meters Spring Boot and Micrometer publish (seen on /actuator/prometheus), and Prometheus' up.
   */
  static final Set<String> STANDARD =
      Set.of(
          "up",
          "http_server_requests_seconds_count",
          "http_server_requests_seconds_sum",
          "hikaricp_connections_active",
          "hikaricp_connections_pending",
          "jvm_memory_used_bytes");

  static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
  static final Pattern GAUGE = Pattern.compile("Gauge\\.builder\\(\\s*\"(gpufleet\\.[a-z.]+)\"");

  final JsonNode dashboard =
      JsonMapper.builder().build().readTree(Repo.read("infra/grafana/gpufleet-dashboard.json"));

  @Test
  void queriesOnlyMetricsThatExistAndShowsEveryOneOfOurs() {
    Set<String> ours = platformMetrics();
    assertThat(ours).contains("gpufleet_queue_depth", "gpufleet_fleet_price_per_hour");
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : panels()) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asString();
        SELECTOR.matcher(expr).results().forEach(m -> used.add(m.group(1)));
      }
    }
    Set<String> known = new HashSet<>(STANDARD);
    known.addAll(ours);
    assertThat(used).as("metrics the dashboard queries").isSubsetOf(known);
    assertThat(used).as("every metric of the platform has a panel").containsAll(ours);
  }

  @Test
  void everyPanelQueriesTheChosenPrometheusAndJob() {
    List<String> variables = new ArrayList<>();
    dashboard
        .path("templating")
        .path("list")
        .forEach(v -> variables.add(v.path("name").asString()));
    assertThat(variables).containsExactly("datasource", "job");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels()) {
      String title = panel.path("title").asString();
      assertThat(ids.add(panel.path("id").asInt())).as("unique id of %s", title).isTrue();
      assertThat(panel.path("gridPos").path("x").asInt() + panel.path("gridPos").path("w").asInt())
          .as("%s fits the 24 columns", title)
          .isLessThanOrEqualTo(24);
      assertThat(panel.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
      assertThat(panel.path("targets")).as("%s has a query", title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asString();
        assertThat(expr).as(title).contains("job=~\"$job\"");
        // every metric is written with a selector, so the check above sees all of them
        assertThat(SELECTOR.matcher(expr).results().count()).as(title).isPositive();
      }
    }
  }

  @Test
  void coversTheQueueTheFleetAndItsCost() {
    List<String> titles = panels().stream().map(p -> p.path("title").asString()).toList();
    assertThat(titles)
        .contains(
            "Queue depth and running generations",
            "Submissions per second",
            "Servers by state",
            "Running servers by health",
            "Cost per hour",
            "Spend over the time range",
            "API errors by status");
  }

  private List<JsonNode> panels() {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      if (!panel.path("type").asString().equals("row")) {
        panels.add(panel);
      }
    }
    return panels;
  }

  /** The gauges the platform registers, under the names Prometheus gives them. */
  static Set<String> platformMetrics() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> sources = Files.walk(Repo.path("orchestrator-api/src/main/java"))) {
      for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
        GAUGE
            .matcher(Files.readString(source))
            .results()
            .forEach(m -> names.add(m.group(1).replace('.', '_')));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return names;
  }
}
