package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An admin edits a server's schedule and sees its next action and its week. */
class ScheduleIT extends ConsoleTestBase {

  @Test
  void anAdminEditsAScheduleAndSeesTheNextActionAndTheWeek() {
    String name = uniqueName("sched");
    String id = createServer(name);
    logIn();
    navLink("Schedules").click();
    Locator row = page.locator("tr[data-server='" + name + "']");
    assertThat(row).containsText("none");
    row.getByText(name).click();
    assertThat(heading("Schedule of " + name)).isVisible();

    page.getByLabel("Start automatically").check();
    page.getByLabel("Stop automatically").check();
    page.getByLabel("Start at").fill("07:30");
    page.getByLabel("Stop at").fill("19:00");
    page.getByLabel("Timezone").fill("Mars/Olympus");
    for (String day : new String[] {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}) {
      page.getByLabel(day, new com.microsoft.playwright.Page.GetByLabelOptions().setExact(true))
          .setChecked(day.equals("Mon") || day.equals("Wed") || day.equals("Fri"));
    }
    button("Save schedule").click();

    // a wrong timezone is refused, field by field, in words
    Locator error = page.locator("#schedule-error [role=alert]");
    assertThat(error).isVisible();
    assertThat(error).containsText("timezone");

    page.getByLabel("Timezone").fill("Europe/Berlin");
    button("Save schedule").click();

    assertThat(page.locator("#flash")).containsText("Saved the schedule of " + name);
    assertThat(row).containsText("start 07:30, stop 19:00");
    assertThat(row).containsText("Mon, Wed, Fri");
    assertThat(row).containsText("Europe/Berlin");
    assertThat(row.locator("[data-next-action]"))
        .containsText(java.util.regex.Pattern.compile("(Start|Stop) in "));
    assertThat(page.locator("#next-action")).containsText("Next:");
    assertThat(page.locator(".track[data-day=Mon] span")).hasCount(1);
    assertThat(page.locator(".track[data-day=Tue] span")).hasCount(0);
    assertThat(page.locator(".track[data-day=Fri] span")).hasCount(1);

    JsonNode saved = json(get("/api/v1/servers/" + id + "/schedule", ADMIN_KEY));
    org.assertj.core.api.Assertions.assertThat(saved.path("startTime").asString())
        .isEqualTo("07:30");
    org.assertj.core.api.Assertions.assertThat(saved.path("weekdays").toString())
        .isEqualTo("[1,3,5]");
  }
}
