package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** An admin creates a user, sets their limits, issues a key (shown once) and revokes it. */
class UsersIT extends ConsoleTestBase {

  @Test
  void anAdminCreatesAUserSetsLimitsIssuesAKeyShownOnceAndRevokesIt() {
    String name = uniqueName("alice");
    logIn();
    navLink("Users").click();
    page.getByLabel("Username").fill(name);
    page.getByLabel("Role").selectOption("USER");
    button("Create user").click();

    assertThat(heading(name + " user")).isVisible();
    page.getByLabel("Generations per minute").fill("5");
    page.getByLabel("API requests per hour").fill("500");
    button("Save limits").click();
    assertThat(page.locator("#flash")).containsText("Saved the limits of " + name);
    String id = page.url().replaceAll(".*#/users/", "");
    JsonNode limits = json(get("/api/v1/users/" + id, ADMIN_KEY)).path("limits");
    assertThat(limits.path("generationsPerMinute").asInt()).isEqualTo(5);
    assertThat(limits.path("requestsPerHour").asInt()).isEqualTo(500);
    assertThat(limits.path("generationsPerHour").isNull()).isTrue();

    page.getByLabel("Key name").fill("laptop");
    button("Issue key").click();
    Locator shown = page.locator("#new-key");
    assertThat(page.locator("#dialog")).containsText("shown only this once");
    String key = shown.textContent().trim();
    assertThat(key).startsWith("gf_");
    assertThat(get("/api/v1/me", key).statusCode()).isEqualTo(200);
    button("I have copied it").click();
    // the key leaves the DOM with its dialog: wait for that, then look for it anywhere
    assertThat(page.locator("#dialog")).isHidden();
    assertThat(shown).hasCount(0);

    Locator row = page.locator("tr[data-key=laptop]");
    assertThat(row).containsText("Active");
    assertThat(page.content()).doesNotContain(key);
    page.reload();
    assertThat(row).isVisible();
    assertThat(page.content()).doesNotContain(key);

    row.getByText("Revoke").click();
    assertThat(heading("Revoke the key “laptop”?")).isVisible();
    button("Revoke key").click();
    assertThat(row).containsText("Revoked");
    assertThat(get("/api/v1/me", key).statusCode()).isEqualTo(401);

    navLink("Users").click();
    assertThat(page.locator("tr[data-user='" + name + "']")).containsText("gen/min 5");
    assertThat(
            page.locator("tr[data-user='" + name + "']")
                .getByText("user", new Locator.GetByTextOptions().setExact(true)))
        .isVisible();
    page.getByLabel("Username", new Page.GetByLabelOptions().setExact(true)).fill(name);
    button("Create user").click();
    assertThat(page.locator("#user-error [role=alert]")).isVisible();
  }
}
