package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Generations in the console against one set-up sandbox server: the live queue, a generation's page
 * (progress, outputs, inputs, error, cancel, regenerate) and the history with its filters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationsIT extends ConsoleTestBase {

  private static final Pattern POSITIVE = Pattern.compile("[1-9][0-9]*");
  private static final LocatorAssertions.HasAttributeOptions LONG_ATTR =
      new LocatorAssertions.HasAttributeOptions().setTimeout(90_000);

  @Autowired SandboxFleet sandbox;

  private @Nullable String serverId;
  private String serverName = "";
  private String submitterKey = ADMIN_KEY;

  @BeforeAll
  void rentOneServer() {
    serverName = uniqueName("gens");
    serverId = rentForClass(serverName);
    // generations are submitted by a user of their own with room, not against the admin's band
    TestUser user = newUser("USER");
    HttpResponse<String> patched =
        method(
            "PATCH",
            "/api/v1/users/" + user.id(),
            ADMIN_KEY,
            "{\"limits\":{\"generationsPerMinute\":500,\"generationsPerHour\":5000}}");
    if (patched.statusCode() != 200) {
      throw new IllegalStateException("Could not raise the user's limits: " + patched.body());
    }
    submitterKey = user.key();
    awaitHealthy(serverId);
  }

  @AfterAll
  void giveTheServerBack() {
    giveBack(serverId);
  }

  @BeforeEach
  void fastByDefault() {
    comfy().setStepsPerSecond(200);
  }

  @Test
  void theLiveQueueShowsProgressThenTheGenerationPageShowsItsOutputAndInputs() {
    comfy().setStepsPerSecond(5);
    logIn();
    navLink("Generations").click();
    assertThat(page.locator("[data-live]")).hasAttribute("data-live", "open");

    // 80 steps at 5/s: 16 s of running, so the queue can be looked at on a loaded machine
    String id = submit("{\"prompt\":\"a red fox in the snow\",\"steps\":80,\"seed\":4242}");
    Locator row = page.locator("#queue-table tr[data-generation='" + id + "']");
    assertThat(row).isVisible();
    assertThat(progressBar(row, "Step progress")).hasAttribute("aria-valuenow", POSITIVE);
    assertThat(row.locator("[data-server]")).hasText(serverName);
    assertThat(row.locator("[data-node]")).hasText("KSampler");
    // the latest preview arrives over the socket and is a real picture
    assertThat(row.locator("img[data-preview]")).isVisible();
    waitForImages("#queue-table tr[data-generation='" + id + "'] img[data-preview]");

    row.getByRole(AriaRole.LINK).first().click();
    assertThat(page.locator("#gen-head h1")).containsText("Generation " + id.substring(0, 8));
    assertThat(page.locator("#gen-head [data-status]"))
        .hasAttribute("data-status", "COMPLETED", LONG_ATTR);
    assertThat(progressBar(page.locator("#gen-progress"), "Node progress"))
        .hasAttribute("aria-valuenow", "100");
    assertThat(page.locator("#gen-outputs img")).hasCount(1);
    waitForImages("#gen-outputs img");
    assertThat(page.locator("#gen-input-values")).containsText("a red fox in the snow");
    assertThat(page.locator("#gen-details")).containsText("4242");
    assertThat(page.locator("#gen-details [data-server]")).hasText(serverName);
    assertThat(page.locator("#gen-snapshot")).containsText("KSampler");

    // back on the list the generation left the queue for the history, with its thumbnail
    navLink("Generations").click();
    assertThat(page.locator("#queue-table tr[data-generation='" + id + "']")).hasCount(0);
    assertThat(page.locator("#history-table tr[data-generation='" + id + "'] img.thumb"))
        .isVisible();
    waitForImages("#history-table tr[data-generation='" + id + "'] img.thumb");
  }

  @Test
  void aRunningGenerationIsCancelledLiveAndRegeneratedAsANewOne() {
    comfy().setStepsPerSecond(2);
    String id = submit("{\"prompt\":\"a slow lighthouse\",\"steps\":80}");
    logIn();
    page.navigate("/console/index.html#/generations/" + id);
    assertThat(page.locator("#gen-head [data-live]")).hasAttribute("data-live", "open");
    assertThat(page.locator("#gen-head [data-status]")).hasAttribute("data-status", "RUNNING");
    // the step bar moves without the page asking: the socket brings the progress
    assertThat(progressBar(page.locator("#gen-progress"), "Step progress"))
        .hasAttribute("aria-valuenow", POSITIVE);
    assertThat(page.locator("#gen-progress [data-current-node]")).containsText("KSampler");
    assertThat(page.locator("#gen-preview")).isVisible();
    waitForImages("#gen-preview");

    button("Cancel").click();
    assertThat(heading("Cancel this generation?")).isVisible();
    button("Cancel generation").click();
    assertThat(page.locator("#gen-head [data-status]")).hasAttribute("data-status", "CANCELLED");
    assertThat(button("Cancel")).hasCount(0);
    org.assertj.core.api.Assertions.assertThat(
            json(get("/api/v1/generations/" + id, ADMIN_KEY)).path("status").asString())
        .isEqualTo("CANCELLED");

    comfy().setStepsPerSecond(200);
    button("Regenerate").click();
    assertThat(page.locator("#gen-head h1")).not().containsText(id.substring(0, 8));
    assertThat(page.locator("#gen-head [data-status]"))
        .hasAttribute("data-status", "COMPLETED", LONG_ATTR);
    waitForImages("#gen-outputs img");
    assertThat(page.locator("#gen-input-values")).containsText("a slow lighthouse");
  }

  @Test
  void aDroppedSocketReconnectsResubscribesAndThePageCatchesUp() {
    List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
    page.routeWebSocket(
        Pattern.compile(".*/api/v1/ws$"),
        ws -> {
          sockets.add(ws);
          if (sockets.size() == 2) {
            ws.close(); // the first attempt to reconnect fails too: the page tries again later
          } else {
            ws.connectToServer();
          }
        });
    comfy().setStepsPerSecond(4);
    String id = submit("{\"prompt\":\"through a reconnect\",\"steps\":60}");
    logIn();
    page.navigate("/console/index.html#/generations/" + id);
    Locator live = page.locator("#gen-head [data-live]");
    assertThat(live).hasAttribute("data-live", "open");
    assertThat(progressBar(page.locator("#gen-progress"), "Step progress"))
        .hasAttribute("aria-valuenow", POSITIVE);

    sockets.get(0).close();
    assertThat(live).hasAttribute("data-live", "down");
    assertThat(live).containsText("Reconnecting");
    // a new socket subscribes again, and the rest of the run arrives over it
    assertThat(live).hasAttribute("data-live", "open");
    org.assertj.core.api.Assertions.assertThat(sockets).hasSizeGreaterThanOrEqualTo(3);
    comfy().setStepsPerSecond(200);
    assertThat(page.locator("#gen-head [data-status]"))
        .hasAttribute("data-status", "COMPLETED", LONG_ATTR);
    waitForImages("#gen-outputs img");
  }

  @Test
  void generationsWaitingForTheServerShowTheirPlaceInTheQueue() {
    comfy().setStepsPerSecond(1);
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(submit("{\"prompt\":\"waiting " + i + "\",\"steps\":200}"));
    }
    try {
      logIn();
      navLink("Generations").click();
      Locator queue = page.locator("#queue-table");
      assertThat(queue.locator("tr[data-generation='" + ids.get(0) + "'] [data-status]"))
          .hasAttribute("data-status", "RUNNING");
      Locator first =
          queue.locator("td[data-position]", new Locator.LocatorOptions().setHasText("#1"));
      assertThat(first).hasCount(1);
      assertThat(queue.locator("tr[data-generation='" + ids.get(4) + "'] [data-position]"))
          .hasText(Pattern.compile("#[2-5]"));
      // cancelling the first waiting one moves the others up, without a reload
      String waiting = first.locator("xpath=..").getAttribute("data-generation");
      post("/api/v1/generations/" + waiting + "/cancel", ADMIN_KEY, "{}");
      assertThat(queue.locator("tr[data-generation='" + waiting + "']")).hasCount(0);
      assertThat(first).hasCount(1);
    } finally {
      ids.forEach(id -> post("/api/v1/generations/" + id + "/cancel", ADMIN_KEY, "{}"));
      ids.forEach(this::awaitFinalGeneration);
    }
  }

  @Test
  void aFailedGenerationSaysWhereAndWhyInPlainWords() {
    comfy().failNextPrompt("KSampler", "RuntimeError", "the sampler fell over");
    String id = submit("{\"prompt\":\"doomed\",\"steps\":4}");
    logIn();
    page.navigate("/console/index.html#/generations/" + id);
    assertThat(page.locator("#gen-head [data-status]"))
        .hasAttribute("data-status", "FAILED", LONG_ATTR);
    Locator alert = page.locator("#gen-progress [role=alert]");
    assertThat(alert).containsText("The generation failed in node KSampler");
    assertThat(alert).containsText("the sampler fell over");
    assertThat(page.locator("#gen-outputs")).containsText("No outputs.");
  }

  @Test
  void theHistoryFiltersByStatusServerWorkflowAndDateAndShowsAGallery() {
    String first = submit("{\"prompt\":\"history one\",\"steps\":3}");
    String second = submit("{\"prompt\":\"history two\",\"steps\":3}");
    org.assertj.core.api.Assertions.assertThat(
            awaitFinalGeneration(first).path("status").asString())
        .isEqualTo("COMPLETED");
    org.assertj.core.api.Assertions.assertThat(
            awaitFinalGeneration(second).path("status").asString())
        .isEqualTo("COMPLETED");
    logIn();
    navLink("Generations").click();

    label("Status").selectOption("COMPLETED");
    label("Server")
        .selectOption(new com.microsoft.playwright.options.SelectOption().setLabel(serverName));
    button("Filter").click();
    Locator rows = page.locator("#history-table tbody tr");
    assertThat(rows.and(page.locator("[data-generation='" + first + "']"))).hasCount(1);
    assertThat(rows.and(page.locator("[data-generation='" + second + "']"))).hasCount(1);
    assertThat(page.locator("#history-table tbody [data-status]:not([data-status=COMPLETED])"))
        .hasCount(0);

    button("Gallery").click();
    assertThat(button("Gallery")).hasAttribute("aria-pressed", "true");
    assertThat(page.locator("#history-gallery a[href='#/generations/" + first + "'] img"))
        .isVisible();
    // thumbnails load lazily: these two are at the top of the newest-first gallery
    waitForImages(
        "#history-gallery a[href='#/generations/"
            + first
            + "'] img, #history-gallery a[href='#/generations/"
            + second
            + "'] img");

    // a failed-only view of this server has neither
    label("Status").selectOption("FAILED");
    button("Filter").click();
    assertThat(page.locator("#history-gallery a[href='#/generations/" + first + "']")).hasCount(0);

    // the other shipped workflow never ran them
    button("Table").click();
    label("Status").selectOption("");
    label("Workflow")
        .selectOption(
            new com.microsoft.playwright.options.SelectOption().setLabel("SD image-to-image"));
    button("Filter").click();
    assertThat(page.locator("#history-table tr[data-generation='" + first + "']")).hasCount(0);
    label("Workflow")
        .selectOption(
            new com.microsoft.playwright.options.SelectOption().setLabel("SD text-to-image"));
    button("Filter").click();
    assertThat(page.locator("#history-table tr[data-generation='" + first + "']")).hasCount(1);

    // dates: up to yesterday none of today's, from today both
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    label("To").fill(today.minusDays(1).toString());
    button("Filter").click();
    assertThat(page.getByText("No generations match.")).isVisible();
    label("To").fill("");
    label("From").fill(today.toString());
    button("Filter").click();
    assertThat(page.locator("#history-table tr[data-generation='" + second + "']")).hasCount(1);
  }

  @Test
  void aPromptFromAComfyUIClientShowsLikeAnyOtherGenerationMarkedAsSuch() throws Exception {
    tools.jackson.databind.node.ObjectNode graph;
    try (java.io.InputStream in =
        GenerationsIT.class.getResourceAsStream("/workflows/sd-text-to-image.json")) {
      graph = (tools.jackson.databind.node.ObjectNode) JSON.readTree(in).path("workflow");
    }
    ((tools.jackson.databind.node.ObjectNode) graph.path("3").path("inputs")).put("steps", 3);
    HttpResponse<String> queued =
        post("/comfy/prompt", submitterKey, "{\"prompt\":" + graph + ",\"client_id\":\"console\"}");
    org.assertj.core.api.Assertions.assertThat(queued.statusCode())
        .as(queued.body())
        .isEqualTo(200);
    String id = json(queued).path("prompt_id").asString();
    org.assertj.core.api.Assertions.assertThat(awaitFinalGeneration(id).path("status").asString())
        .isEqualTo("COMPLETED");
    logIn();

    page.navigate("/console/index.html#/generations/" + id);
    assertThat(page.locator("#gen-head [data-status]")).hasAttribute("data-status", "COMPLETED");
    assertThat(page.locator("#gen-details [data-source=comfy]")).hasText("ComfyUI prompt");
    assertThat(page.locator("#gen-outputs img")).isVisible();
    navLink("Generations").click();
    assertThat(page.locator("#history-table tr[data-generation='" + id + "']"))
        .containsText("ComfyUI prompt");
  }

  @Test
  void videoAndAudioOutputsPlayInPlayersOfTheirContentType() throws Exception {
    tools.jackson.databind.node.ObjectNode graph;
    try (java.io.InputStream in =
        GenerationsIT.class.getResourceAsStream("/workflows/sd-text-to-image.json")) {
      graph = (tools.jackson.databind.node.ObjectNode) JSON.readTree(in).path("workflow");
    }
    ((tools.jackson.databind.node.ObjectNode) graph.path("3").path("inputs")).put("steps", 3);
    ((tools.jackson.databind.node.ObjectNode) graph.path("5").path("inputs"))
        .put("width", 96)
        .put("height", 64)
        .put("batch_size", 3);
    // the frames as a WebM clip instead of stills, and a sound from the same checkpoint
    graph.remove("9");
    graph.set(
        "13",
        JSON.readTree(
            "{\"class_type\":\"SaveWEBM\",\"inputs\":{\"images\":[\"8\",0],"
                + "\"filename_prefix\":\"clip\",\"codec\":\"vp9\",\"fps\":8.0,\"crf\":32.0}}"));
    graph.set(
        "20",
        JSON.readTree(
            "{\"class_type\":\"EmptyLatentAudio\",\"inputs\":{\"seconds\":2.0,\"batch_size\":1}}"));
    graph.set(
        "21",
        JSON.readTree(
            "{\"class_type\":\"KSampler\",\"inputs\":{\"seed\":2,\"steps\":3,\"cfg\":5.0,"
                + "\"sampler_name\":\"euler\",\"scheduler\":\"normal\",\"denoise\":1.0,"
                + "\"model\":[\"4\",0],\"positive\":[\"6\",0],\"negative\":[\"7\",0],"
                + "\"latent_image\":[\"20\",0]}}"));
    graph.set(
        "22",
        JSON.readTree(
            "{\"class_type\":\"VAEDecodeAudio\",\"inputs\":{\"samples\":[\"21\",0],"
                + "\"vae\":[\"4\",2]}}"));
    graph.set(
        "23",
        JSON.readTree(
            "{\"class_type\":\"SaveAudio\",\"inputs\":{\"audio\":[\"22\",0],"
                + "\"filename_prefix\":\"audio/rain\"}}"));
    HttpResponse<String> queued =
        post("/comfy/prompt", submitterKey, "{\"prompt\":" + graph + ",\"client_id\":\"console\"}");
    org.assertj.core.api.Assertions.assertThat(queued.statusCode())
        .as(queued.body())
        .isEqualTo(200);
    String id = json(queued).path("prompt_id").asString();
    tools.jackson.databind.JsonNode done = awaitFinalGeneration(id);
    org.assertj.core.api.Assertions.assertThat(done.path("status").asString())
        .as(done.toString())
        .isEqualTo("COMPLETED");
    org.assertj.core.api.Assertions.assertThat(
            done.path("outputs").findValuesAsString("contentType"))
        .containsExactlyInAnyOrder("video/webm", "audio/flac");
    logIn();

    page.navigate("/console/index.html#/generations/" + id);
    assertThat(page.locator("#gen-head [data-status]")).hasAttribute("data-status", "COMPLETED");
    assertThat(page.locator("#gen-outputs img")).hasCount(0);
    assertThat(page.locator("#gen-outputs video[controls] source"))
        .hasAttribute("type", "video/webm");
    assertThat(page.locator("#gen-outputs audio[controls] source"))
        .hasAttribute("type", "audio/flac");
    // the browser read the files as what they say they are: each player knows its length
    waitForMedia("#gen-outputs video, #gen-outputs audio");

    navLink("Generations").click();
    button("Gallery").click();
    Locator figures = page.locator("#history-gallery figure[data-generation='" + id + "']");
    assertThat(figures.locator("video[controls]")).isVisible();
    assertThat(figures.locator("audio[controls]")).hasCount(1);
  }

  // --- helpers

  private Locator label(String text) {
    return page.getByLabel(text, new Page.GetByLabelOptions().setExact(true));
  }

  private ComfySimulator comfy() {
    String vastId = json(get("/api/v1/servers/" + serverId, ADMIN_KEY)).path("vastId").asString();
    return sandbox.comfyOf(Long.parseLong(vastId)).orElseThrow();
  }

  private String submit(String body) {
    HttpResponse<String> created =
        post(
            "/api/v1/generations",
            submitterKey,
            body.replace("{", "{\"serverId\":\"" + serverId + "\","));
    if (created.statusCode() != 202) {
      throw new IllegalStateException("Could not submit: " + created.body());
    }
    return json(created).path("id").asString();
  }

  private static Locator progressBar(Locator within, String name) {
    return within.getByRole(
        AriaRole.PROGRESSBAR, new Locator.GetByRoleOptions().setName(name).setExact(true));
  }

  /** Waits until every player the selector finds has read its file's length (it decoded it). */
  private void waitForMedia(String selector) {
    page.waitForFunction(
        "s => { const all = [...document.querySelectorAll(s)];"
            + " return all.length > 0 && all.every(m => m.readyState >= 1 && m.duration > 0); }",
        selector,
        new Page.WaitForFunctionOptions().setTimeout(15_000));
  }

  /** Waits until every image the selector finds has loaded with real pixels. */
  private void waitForImages(String selector) {
    page.waitForFunction(
        "s => { const all = [...document.querySelectorAll(s)];"
            + " return all.length > 0 && all.every(i => i.complete && i.naturalWidth > 0); }",
        selector,
        new Page.WaitForFunctionOptions().setTimeout(15_000));
  }
}
