package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.net.http.HttpResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/** Setup runs in the console: start one, watch its output and steps live, cancel it; scripts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SetupRunsIT extends ConsoleTestBase {

  private static final String SLOW_SCRIPT =
      "#!/bin/bash\n"
          + "echo '##STEP 1/2 Saying hello'\n"
          + "echo 'hello from the setup script'\n"
          + "echo '##STEP 2/2 Waiting for a long time'\n"
          + "sleep 300\n"
          + "echo 'never printed'\n";

  private @Nullable String serverId;
  private String serverName = "";

  @BeforeAll
  void rentAServerWithoutSetup() {
    serverName = uniqueName("setup");
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\""
                + serverName
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0,\"autoSetup\":false}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Could not create a server: " + created.body());
    }
    serverId = json(created).path("id").asString();
    awaitStatus(serverId, "RUNNING");
  }

  @AfterAll
  void giveTheServerBack() {
    giveBack(serverId);
  }

  @Test
  void aRunShowsItsOutputAndStepsLiveIsCancelledAndStaysInTheHistory() {
    String script = createScript(uniqueName("slow"), SLOW_SCRIPT);
    logIn();
    navLink("Setup").click();
    label("Server").selectOption(new SelectOption().setValue(serverId));
    label("Script").selectOption(new SelectOption().setValue(script));
    button("Start run").click();

    assertThat(page.locator("#log")).containsText("hello from the setup script");
    assertThat(page.locator("[data-step]"))
        .hasText(
            "Step 2 of 2: Waiting for a long time",
            new LocatorAssertions.HasTextOptions().setUseInnerText(true));
    assertThat(progress("Setup progress")).hasAttribute("aria-valuenow", "50");
    assertThat(page.locator("#exec-head [data-status]")).hasAttribute("data-status", "RUNNING");
    assertThat(page.locator("#log")).not().containsText("never printed");
    String executionId = page.url().replaceAll(".*#/executions/", "");
    // the run names the version it ran, and that version says what ran
    JsonNode ran = json(get("/api/v1/executions/" + executionId, ADMIN_KEY));
    org.assertj.core.api.Assertions.assertThat(ran.path("scriptId").asString()).isEqualTo(script);
    org.assertj.core.api.Assertions.assertThat(
            json(get(
                    "/api/v1/setup-scripts/"
                        + script
                        + "/versions/"
                        + ran.path("scriptVersion").asInt(),
                    ADMIN_KEY))
                .path("content")
                .asString())
        .isEqualTo(SLOW_SCRIPT);
    // the chosen script ran this once: the server keeps its own
    var own = json(get("/api/v1/servers/" + serverId, ADMIN_KEY)).path("setupScriptId");
    org.assertj.core.api.Assertions.assertThat(own.isNull() || own.isMissingNode())
        .as("the server's own script: %s", own)
        .isTrue();

    button("Cancel run").click();
    assertThat(heading("Cancel this setup run?")).isVisible();
    page.locator("#dialog")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel run"))
        .click();
    assertThat(page.locator("#exec-head [data-status]"))
        .hasAttribute(
            "data-status",
            "CANCELLED",
            new LocatorAssertions.HasAttributeOptions().setTimeout(30_000));
    assertThat(button("Cancel run")).hasCount(0);

    navLink("Setup").click();
    label("Server").selectOption(new SelectOption().setValue(serverId));
    Locator run = page.locator("tr[data-execution='" + executionId + "']");
    assertThat(run).containsText("Cancelled");
    assertThat(run).containsText("2 / 2");
    run.getByRole(AriaRole.LINK).first().click();
    assertThat(page.locator("#log")).containsText("hello from the setup script");
  }

  @Test
  void anAdminEditsAScriptAndIsToldWhatIsWrongWithAnEmptyOne() {
    String name = uniqueName("edit-me");
    String id = createScript(name, "#!/bin/bash\necho one\n");
    logIn();
    navLink("Setup").click();
    page.locator("#scripts-table")
        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name))
        .click();
    assertThat(heading(name)).isVisible();
    assertThat(label("Script")).hasValue("#!/bin/bash\necho one\n");
    label("Script").fill("#!/bin/bash\necho '##STEP 1/1 Two'\necho two\n");
    label("Description").fill("Says two");
    button("Save").click();

    Locator row = page.locator("#scripts-table tr[data-script='" + name + "']");
    assertThat(row).containsText("Says two");
    assertThat(row.locator("td").nth(2)).hasText("2");
    JsonNode saved = json(get("/api/v1/setup-scripts/" + id, ADMIN_KEY));
    org.assertj.core.api.Assertions.assertThat(saved.path("content").asString())
        .isEqualTo("#!/bin/bash\necho '##STEP 1/1 Two'\necho two\n");

    row.getByRole(AriaRole.LINK).first().click();
    label("Script").fill("   ");
    button("Save").click();
    Locator alert = page.locator("#script-error [role=alert]");
    assertThat(alert).containsText("The script was not saved");
    assertThat(alert).containsText("content");
    org.assertj.core.api.Assertions.assertThat(
            json(get("/api/v1/setup-scripts/" + id, ADMIN_KEY)).path("version").asInt())
        .isEqualTo(2);

    button("Delete").click();
    assertThat(heading("Delete " + name + "?")).isVisible();
    button("Delete script").click();
    assertThat(heading("Setup")).isVisible();
    assertThat(row).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(
            get("/api/v1/setup-scripts/" + id, ADMIN_KEY).statusCode())
        .isEqualTo(404);
  }

  @Test
  void anAdminReadsAScriptsHistoryComparesVersionsAndRestoresAnOldOne() {
    String name = uniqueName("history");
    String id = createScript(name, "#!/bin/bash\necho one\n");
    HttpResponse<String> edited =
        method(
            "PUT",
            "/api/v1/setup-scripts/" + id,
            ADMIN_KEY,
            JSON.writeValueAsString(
                java.util.Map.of("name", name, "content", "#!/bin/bash\necho two\n")));
    org.assertj.core.api.Assertions.assertThat(edited.statusCode()).isEqualTo(200);
    logIn();
    navLink("Setup").click();
    page.locator("#scripts-table")
        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name))
        .click();

    Locator versions = page.locator("#versions-table tbody tr");
    assertThat(versions).hasCount(2);
    assertThat(versions.first()).containsText("v2");
    assertThat(versions.first()).containsText("current");
    assertThat(versions.first()).containsText(ADMIN_USER);
    button("Diff v2").click();
    Locator diff = page.getByLabel("Diff");
    assertThat(diff).containsText("-echo one");
    assertThat(diff).containsText("+echo two");

    button("Restore v1").click();
    assertThat(heading("Restore v1 of " + name + "?")).isVisible();
    page.locator("#dialog")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Restore v1"))
        .click();

    assertThat(versions).hasCount(3);
    assertThat(versions.first()).containsText("v3");
    assertThat(label("Script")).hasValue("#!/bin/bash\necho one\n");
  }

  // --- helpers

  private String createScript(String name, String content) {
    HttpResponse<String> created =
        post(
            "/api/v1/setup-scripts",
            ADMIN_KEY,
            JSON.writeValueAsString(java.util.Map.of("name", name, "content", content)));
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Could not create a script: " + created.body());
    }
    return json(created).path("id").asString();
  }

  private Locator label(String text) {
    return page.getByLabel(text, new Page.GetByLabelOptions().setExact(true));
  }

  private Locator progress(String name) {
    return page.getByRole(
        AriaRole.PROGRESSBAR, new Page.GetByRoleOptions().setName(name).setExact(true));
  }
}
