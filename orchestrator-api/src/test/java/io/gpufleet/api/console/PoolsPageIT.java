package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The Pools page: an admin defines a pool in the form, its page shows the autoscaler renting its
 * minimum with the reason, and settings changed there take effect; a refused pool says why.
 */
class PoolsPageIT extends ConsoleTestBase {

  private String rentedServer;

  @AfterEach
  void giveBackItsServer() {
    giveBack(rentedServer);
  }

  @Test
  void anAdminDefinesAPoolAndSeesTheAutoscalersDecisionsAndReasons() {
    String name = uniqueName("pool");
    // a workflow of its own: a pool serving every workflow would size itself to other tests' queue
    String workflow = workflowOfItsOwn(name);
    logIn();
    navLink("Pools").click();
    assertThat(heading("Pools")).isVisible();
    Locator form = page.locator("#pool-form");
    form.locator("input[name=name]").fill(name);
    form.locator("input[name=gpu]").fill("RTX 4090");
    form.locator("input[name=maxPricePerHour]").fill("2");
    form.locator("input[name=minServers]").fill("1");
    form.locator("input[name=maxServers]").fill("1");
    form.locator("input[data-group=workflowIds][value='" + workflow + "']").check();
    button("Create pool").click();

    assertThat(heading(name + " pool")).isVisible();
    // the job (every second in tests) rents the minimum and the page shows why
    Locator rent = page.locator("#decisions-table tr[data-action=RENT]").first();
    assertThat(rent).containsText("want 1, have 0 ready + 0 booting");
    assertThat(rent.locator("[data-status]")).hasAttribute("data-status", "EXECUTED");
    assertThat(page.locator("#pool-servers tbody tr")).hasCount(1);
    JsonNode pool = poolNamed(name);
    rentedServer = pool.path("servers").get(0).path("id").asString();
    assertThat(page.locator("#pool-summary")).containsText("want 1");

    // switched off with a minimum of 0: the API has it so
    Locator settings = page.locator("#pool-settings");
    settings.locator("input[name=minServers]").fill("0");
    settings.locator("input[name=enabled]").uncheck();
    button("Save settings").click();
    assertThat(page.locator("#pool-state [data-status]")).hasAttribute("data-status", "DISABLED");
    JsonNode saved = poolNamed(name);
    org.assertj.core.api.Assertions.assertThat(saved.path("enabled").asBoolean()).isFalse();
    org.assertj.core.api.Assertions.assertThat(saved.path("minServers").asInt()).isZero();

    button("Delete pool").click();
    page.locator("#dialog")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete pool"))
        .click();
    assertThat(heading("Pools")).isVisible();
    assertThat(page.locator("#pools")).not().containsText(name);
  }

  @Test
  void aPoolWhoseMinimumIsAboveItsMaximumIsRefusedFieldByField() {
    logIn();
    page.navigate("/console#/pools");
    Locator form = page.locator("#pool-form");
    form.locator("input[name=name]").fill(uniqueName("upside-down"));
    form.locator("input[name=minServers]").fill("3");
    form.locator("input[name=maxServers]").fill("1");
    button("Create pool").click();
    Locator error = page.locator("#pool-error [role=alert]");
    assertThat(error).isVisible();
    assertThat(error).containsText("max servers");
    assertThat(heading("Pools")).isVisible();
  }

  private JsonNode poolNamed(String name) {
    for (JsonNode p : json(get("/api/v1/pools?size=100", ADMIN_KEY)).path("items")) {
      if (name.equals(p.path("name").asString())) {
        return json(get("/api/v1/pools/" + p.path("id").asString(), ADMIN_KEY));
      }
    }
    throw new AssertionError("no pool " + name);
  }
}
