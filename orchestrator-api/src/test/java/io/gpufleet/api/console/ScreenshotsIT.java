package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/**
 * Pictures of the main pages for the README. They go to target/ unless {@code
 * -Dconsole.screenshots=<dir>} names another folder (docs/images to refresh the README's).
 */
class ScreenshotsIT extends ConsoleTestBase {

  @Test
  void theMainPagesArePhotographed() throws IOException {
    Path dir =
        Paths.get(System.getProperty("console.screenshots", "target/console-screenshots"))
            .toAbsolutePath();
    Files.createDirectories(dir);
    String id = createServer(uniqueName("gpu"), true);
    awaitStatus(id, "RUNNING");
    awaitHealthy(id);
    newUser("USER");
    logIn();

    navLink("Servers").click();
    assertThat(page.locator("#servers-table")).containsText("Running");
    shoot(dir, "servers.png");

    page.navigate("/console/index.html#/servers/" + id);
    assertThat(page.locator("[data-field=status]")).hasText("Running");
    assertThat(page.locator("#stats")).not().containsText("Loading");
    shoot(dir, "server.png");

    String generation =
        json(post(
                "/api/v1/generations",
                ADMIN_KEY,
                "{\"prompt\":\"a lighthouse\",\"steps\":4,\"serverId\":\"" + id + "\"}"))
            .path("id")
            .asString();
    awaitFinalGeneration(generation);
    navLink("Generations").click();
    assertThat(page.locator("#history-table tr[data-generation='" + generation + "']")).isVisible();
    page.waitForFunction(
        "g => { const i = document.querySelector(`#history-table tr[data-generation='${g}'] img`);"
            + " return i && i.complete && i.naturalWidth > 0; }",
        generation);
    shoot(dir, "generations.png");

    page.navigate("/console/index.html#/generations/" + generation);
    assertThat(page.locator("#gen-outputs img")).isVisible();
    page.waitForFunction(
        "() => [...document.querySelectorAll('#gen-outputs img')]"
            + ".every(i => i.complete && i.naturalWidth > 0)");
    assertThat(page.locator("#gen-input-values")).containsText("a lighthouse");
    assertThat(page.locator("#gen-details")).containsText("SD text-to-image");
    shoot(dir, "generation.png");

    // a little history for the dashboard's charts: two more, one completed and one cancelled
    // (the platform refuses at submit what would fail on the server, such as an unknown sampler)
    String more = "{\"steps\":3,\"serverId\":\"" + id + "\"}";
    awaitFinalGeneration(json(post("/api/v1/generations", ADMIN_KEY, more)).path("id").asString());
    String cancelled =
        json(post("/api/v1/generations", ADMIN_KEY, "{\"steps\":400,\"serverId\":\"" + id + "\"}"))
            .path("id")
            .asString();
    post("/api/v1/generations/" + cancelled + "/cancel", ADMIN_KEY, "");
    awaitFinalGeneration(cancelled);
    navLink("Dashboard").click();
    assertThat(page.locator("[data-stat=running] .value")).not().containsText("0 ");
    assertThat(page.locator("#per-hour")).isVisible();
    // the charts draw without animation, but after the numbers
    page.waitForFunction(
        "() => ['by-state', 'per-hour', 'success-rate'].every(id =>"
            + " window.Chart && window.Chart.getChart(document.getElementById(id)))");
    shoot(dir, "dashboard.png");

    navLink("Workflows").click();
    page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("SD text-to-image")).click();
    button("Analyze against the fleet").click();
    assertThat(page.locator("#analysis-table")).containsText("Ready");
    assertThat(page.locator("#analysis-table")).containsText("runs)"); // the estimate
    shoot(dir, "workflow.png");

    navLink("Users").click();
    assertThat(page.locator("#user-list")).containsText(ADMIN_USER);
    shoot(dir, "users.png");

    for (String name :
        new String[] {
          "dashboard", "servers", "server", "generations", "generation", "workflow", "users"
        }) {
      byte[] png = Files.readAllBytes(dir.resolve(name + ".png"));
      assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    }
  }

  private void shoot(Path dir, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(dir.resolve(name)).setFullPage(true));
  }
}
