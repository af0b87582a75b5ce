package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The console on a tablet, and its forms from the keyboard alone. */
class LayoutIT extends ConsoleTestBase {

  private static final Map<String, String> PAGES = new LinkedHashMap<>();

  static {
    PAGES.put("/", "Fleet dashboard");
    PAGES.put("/servers", "Servers");
    PAGES.put("/servers/new", "New server");
    PAGES.put("/setup", "Setup");
    PAGES.put("/schedules", "Schedules");
    PAGES.put("/pools", "Pools");
    PAGES.put("/generations", "Generations");
    PAGES.put("/tasks", "Tasks");
    PAGES.put("/workflows", "Workflows");
    PAGES.put("/users", "Users");
  }

  @Test
  void everyPageFitsATabletWithoutScrollingSideways() {
    page.setViewportSize(768, 1024);
    logIn();

    for (Map.Entry<String, String> p : PAGES.entrySet()) {
      page.navigate("/console#" + p.getKey());
      assertThat(heading(p.getValue())).isVisible();
      page.waitForLoadState();
      Number overflow =
          (Number)
              page.evaluate(
                  "() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
      assertThat(overflow.intValue())
          .as("sideways overflow on %s", p.getKey())
          .isLessThanOrEqualTo(0);
      for (String nav : List.of("Dashboard", "Servers", "Generations", "Users")) {
        assertThat(navLink(nav)).isInViewport();
      }
    }
  }

  @Test
  void anAdminLogsInAndCreatesAUserFromTheKeyboardAlone() {
    page.navigate("/console");
    page.getByLabel("Username").focus();
    page.keyboard().type(ADMIN_USER);
    page.keyboard().press("Tab");
    page.keyboard().type(ADMIN_PASSWORD);
    page.keyboard().press("Enter");
    assertThat(heading("Fleet dashboard")).isVisible();
    page.navigate("/console#/users");
    assertThat(heading("Users")).isVisible();
    String name = uniqueName("keys");

    page.getByLabel("Username").focus();
    page.keyboard().type(name);
    page.keyboard().press("Tab"); // role: stays "User"
    page.keyboard().press("Tab"); // password: none for an API user
    page.keyboard().press("Tab");
    assertThat(page.locator(":focus")).hasText("Create user");
    page.keyboard().press("Enter");

    assertThat(heading(name)).isVisible();
  }
}
