package io.gpufleet.api.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FleetApiIT extends IntegrationTest {

  @Test
  void theSummaryHasEveryFigureTheDashboardShows() {
    HttpResponse<String> response = get("/api/v1/fleet/summary", ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode summary = json(response);
    for (String field :
        new String[] {
          "servers",
          "pricePerHour",
          "spentToday",
          "spentThisMonth",
          "queueDepth",
          "running",
          "completedLastHour",
          "successRate",
          "budget"
        }) {
      assertThat(summary.has(field)).as(field).isTrue();
    }
    assertThat(summary.path("pricePerHour").asDouble()).isGreaterThanOrEqualTo(0);
    assertThat(summary.path("spentThisMonth").asDouble())
        .isGreaterThanOrEqualTo(summary.path("spentToday").asDouble());
  }

  @Test
  void metricsComeAsOnePointPerStep() {
    HttpResponse<String> response = get("/api/v1/fleet/metrics?window=6h&step=1h", ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode points = json(response).path("points");
    assertThat(points.size()).isEqualTo(6);
    assertThat(points.get(0).has("cost")).isTrue();
    assertThat(points.get(0).has("completed")).isTrue();
  }

  @Test
  void aWindowThatMakesNoSenseIsRefused() {
    HttpResponse<String> response = get("/api/v1/fleet/metrics?window=soon&step=1h", ADMIN_KEY);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).path("errors").findValuesAsString("field")).contains("window");
    assertThat(get("/api/v1/fleet/metrics?window=1h&step=1s", ADMIN_KEY).statusCode())
        .isEqualTo(400);
  }

  @Test
  void prometheusShowsTheFleetFigures() {
    HttpResponse<String> scrape = get("/actuator/prometheus", ADMIN_KEY);

    assertThat(scrape.body())
        .contains("gpufleet_fleet_price_per_hour")
        .contains("gpufleet_servers{status=\"RUNNING\"}")
        .contains("gpufleet_queue_depth");
  }
}
