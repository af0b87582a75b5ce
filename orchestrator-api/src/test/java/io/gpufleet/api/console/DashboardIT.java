package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** The fleet dashboard shows what the fleet does and costs, from the fleet API. */
class DashboardIT extends ConsoleTestBase {

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;

  private ComfySimulator sim;
  private Server server;

  @AfterEach
  void retire() {
    if (server != null) {
      jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", server.getId());
    }
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void theDashboardShowsCostsQueueChartsOfTheLastHoursAndRecentFailures() {
    sim = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(50));
    server = servers.save(FixedEndpointProvider.runningAt(uniqueName("dash"), sim.baseUrl()));
    TestUser user = newUser("USER");
    String completed = submit(user, "{\"steps\":3}");
    awaitStatus(user, completed, "COMPLETED");
    // an error of the workflow on the server (what passes the platform's checks and still fails)
    sim.failNextPrompt("KSampler", "ValueError", "invalid sigma schedule for this model");
    String failed = submit(user, "{\"steps\":3}");
    awaitStatus(user, failed, "FAILED");

    logIn();

    assertThat(stat("running")).containsText("Running servers");
    assertThat(stat("price")).containsText("$");
    assertThat(stat("spend")).containsText("this month");
    assertThat(stat("queue")).containsText("running");
    assertThat(stat("last-hour").locator(".value")).not().hasText("0");
    assertThat(stat("success").locator(".value")).containsText("%");
    Locator failures = page.locator("#failures");
    assertThat(failures).containsText(failed.substring(0, 8));
    assertThat(failures).containsText("invalid sigma schedule");
    assertThat(page.locator("#per-hour")).isVisible();
    assertThat(page.locator("#success-rate")).isVisible();

    // what the charts were given: this hour has at least our completed and our failed generation
    List<?> totals =
        (List<?>)
            page.evaluate(
                "() => { const c = Chart.getChart(document.getElementById('per-hour'));"
                    + " return c.data.datasets.map(d => d.data.reduce((a, b) => a + b, 0)); }");
    assertThat(((Number) totals.get(0)).intValue()).isPositive();
    assertThat(((Number) totals.get(1)).intValue()).isPositive();
    Number lastRate =
        (Number)
            page.evaluate(
                "() => { const d = Chart.getChart(document.getElementById('success-rate'))"
                    + ".data.datasets[0].data.filter(v => v !== null); return d[d.length - 1]; }");
    assertThat(lastRate.doubleValue()).isBetween(0.0, 100.0).isLessThan(100.0);
  }

  private Locator stat(String name) {
    return page.locator("[data-stat=" + name + "]");
  }

  private String submit(TestUser user, String body) {
    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            user.key(),
            body.replaceFirst("^\\{", "{\"serverId\":\"" + server.getId() + "\","));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }

  private void awaitStatus(TestUser user, String id, String status) {
    String reached =
        awaitValue(
            () -> json(get("/api/v1/generations/" + id, user.key())).path("status").asString(),
            now -> status.equals(now) || Set.of("COMPLETED", "FAILED", "CANCELLED").contains(now),
            Duration.ofSeconds(60),
            "generation " + id + " " + status);
    assertThat(reached).as("generation %s", id).isEqualTo(status);
  }
}
