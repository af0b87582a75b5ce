package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.options.AriaRole;
import org.junit.jupiter.api.Test;

/** An admin logs in and out of the console; a wrong password is said in plain words. */
class LoginIT extends ConsoleTestBase {

  @Test
  void aWrongPasswordIsShownInPlainWordsAndLetsNobodyIn() {
    page.navigate("/console");
    page.getByLabel("Username").fill(ADMIN_USER);
    page.getByLabel("Password").fill("not the password");
    page.keyboard().press("Enter");

    assertThat(page.getByRole(AriaRole.ALERT)).hasText("Wrong username or password");
    assertThat(page.locator("#nav")).isHidden();
    assertThat(heading("Log in to GPU Fleet")).isVisible();
    assertThat(page.getByLabel("Password")).isEmpty();
  }

  @Test
  void anAdminLogsInSeesTheSandboxAndLogsOut() {
    logIn();

    assertThat(page.locator("#sandbox-banner")).isVisible();
    assertThat(page.locator("#sandbox-banner")).containsText("SANDBOX MODE");
    assertThat(page.locator("#who-name")).hasText(ADMIN_USER + " (admin)");
    assertThat(navLink("Servers")).isVisible();

    button("Log out").click();

    assertThat(heading("Log in to GPU Fleet")).isVisible();
    assertThat(page.locator("#nav")).isHidden();
    // the session is over: a page that needs it leads back to the login
    page.navigate("/console/index.html#/users");
    page.reload();
    assertThat(heading("Log in to GPU Fleet")).isVisible();
    assertThat(page.getByText("root-admin (admin)")).isHidden();
  }

  @Test
  void theRootRedirectsToTheConsole() {
    page.navigate("/");

    assertThat(page).hasURL(java.util.regex.Pattern.compile(".*/console/index\\.html.*"));
    assertThat(heading("Log in to GPU Fleet")).isVisible();
  }
}
