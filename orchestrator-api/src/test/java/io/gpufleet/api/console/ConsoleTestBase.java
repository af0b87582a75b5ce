package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.gpufleet.api.IntegrationTest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

/**
 * One Chromium per test class (it is slow to start), a fresh browser context (cookies, storage) per
 * test. Debian's Chromium is used because Playwright's own browser download cannot work here.
 */
abstract class ConsoleTestBase extends IntegrationTest {

  static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

  private static @Nullable Playwright playwright;
  private static @Nullable Browser browser;

  @SuppressWarnings("NullAway.Init")
  private BrowserContext context;

  @SuppressWarnings("NullAway.Init")
  protected Page page;

  @BeforeAll
  static void launchChromium() {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(
          "The console's browser tests need Debian's Chromium at "
              + CHROMIUM
              + ": install it with `apt-get install -y chromium` (.ci/run does this on CI)");
    }
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--no-first-run")));
    PlaywrightAssertions.setDefaultAssertionTimeout(15_000);
  }

  @AfterAll
  static void closeChromium() {
    if (browser != null) {
      browser.close();
      browser = null;
    }
    if (playwright != null) {
      playwright.close();
      playwright = null;
    }
  }

  @BeforeEach
  void openPage() {
    context =
        java.util.Objects.requireNonNull(browser)
            .newContext(
                new Browser.NewContextOptions()
                    .setBaseURL("http://127.0.0.1:" + port)
                    .setViewportSize(1280, 860)
                    .setTimezoneId("UTC"));
    page = context.newPage();
    page.setDefaultTimeout(15_000);
  }

  /** Servers a test rented, by name: given back after it, so the sandbox's offers last. */
  protected final List<String> rented = new java.util.ArrayList<>();

  @AfterEach
  void closePage() {
    context.close();
    for (JsonNode server : json(get("/api/v1/servers?size=200", ADMIN_KEY)).path("items")) {
      if (rented.contains(server.path("name").asString())
          && !server.path("status").asString().startsWith("DESTROY")) {
        method("DELETE", "/api/v1/servers/" + server.path("id").asString(), ADMIN_KEY, null);
      }
    }
  }

  /** Logs in through the login page, as the admin, and waits for the dashboard. */
  protected void logIn() {
    page.navigate("/console");
    page.getByLabel("Username").fill(ADMIN_USER);
    page.getByLabel("Password").fill(ADMIN_PASSWORD);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(heading("Fleet dashboard")).isVisible();
  }

  protected Locator heading(String name) {
    return page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName(name));
  }

  protected Locator button(String name) {
    return page.getByRole(
        AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  protected Locator navLink(String name) {
    return page.locator("#nav")
        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  protected static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a server through the API (sandbox), without automatic setup. */
  protected String createServer(String name) {
    return createServer(name, false);
  }

  /** Creates a server through the API (sandbox); with setup, its ComfyUI comes up. */
  protected String createServer(String name, boolean autoSetup) {
    rented.add(name);
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0,\"autoSetup\":"
                + autoSetup
                + "}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Could not create a server: " + created.body());
    }
    return json(created).path("id").asString();
  }

  /**
   * Rents a sandbox server with automatic setup that outlives single tests (a test class shares
   * it); the caller gives it back with {@link #giveBack} in its {@code @AfterAll}.
   */
  protected String rentForClass(String name) {
    HttpResponse<String> created =
        post(
            "/api/v1/servers",
            ADMIN_KEY,
            "{\"name\":\""
                + name
                + "\",\"gpu\":\"RTX 4090\",\"maxPricePerHour\":2.0,\"autoSetup\":true}");
    if (created.statusCode() != 201) {
      throw new IllegalStateException("Could not create a server: " + created.body());
    }
    return json(created).path("id").asString();
  }

  /** Destroys a server, so that it takes no more generations. */
  protected void giveBack(@Nullable String id) {
    if (id != null) {
      method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
    }
  }

  /** Polls the API until the generation is COMPLETED, FAILED or CANCELLED; answers its view. */
  protected JsonNode awaitFinalGeneration(String id) {
    return awaitValue(
        () -> json(get("/api/v1/generations/" + id, ADMIN_KEY)),
        g -> List.of("COMPLETED", "FAILED", "CANCELLED").contains(g.path("status").asString()),
        Duration.ofSeconds(120),
        "generation " + id + " ending");
  }

  protected String serverStatus(String id) {
    return json(get("/api/v1/servers/" + id, ADMIN_KEY)).path("status").asString();
  }

  /** Polls the API until the server is set up and its ComfyUI answers probes. */
  protected void awaitHealthy(String id) {
    awaitValue(
        () -> json(get("/api/v1/servers/" + id, ADMIN_KEY)),
        s -> s.path("setUp").asBoolean() && "HEALTHY".equals(s.path("health").asString()),
        Duration.ofSeconds(120),
        "server " + id + " set up and healthy");
  }

  /** Polls the API until the server is in the status (the sandbox rents in a second or two). */
  protected JsonNode awaitStatus(String id, String status) {
    return awaitValue(
        () -> json(get("/api/v1/servers/" + id, ADMIN_KEY)),
        s -> status.equals(s.path("status").asString()),
        Duration.ofSeconds(60),
        "server " + id + " " + status);
  }
}
