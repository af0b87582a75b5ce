package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FilePayload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/** Workflows in the console: import (paste or file), refusals in words, inputs, analysis. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowsIT extends ConsoleTestBase {

  /** A small API-format graph; its checkpoint is one no sandbox server has. */
  private static final String MISSING_MODEL_GRAPH =
      """
      {"4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "nowhere-xl.safetensors"}},
       "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 640, "height": 480, "batch_size": 1}},
       "6": {"class_type": "CLIPTextEncode", "_meta": {"title": "Prompt"}, "inputs": {"text": "a cat", "clip": ["4", 1]}},
       "7": {"class_type": "CLIPTextEncode", "_meta": {"title": "Negative"}, "inputs": {"text": "dogs", "clip": ["4", 1]}},
       "3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 10, "cfg": 7.0, "sampler_name": "euler",
             "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
             "negative": ["7", 0], "latent_image": ["5", 0]}},
       "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
       "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "wf-it", "images": ["8", 0]}}}
      """;

  private @Nullable String serverId;
  private String serverName = "";
  private final List<String> imported = new ArrayList<>();

  @BeforeAll
  void rentOneServer() {
    serverName = uniqueName("wf");
    serverId = rentForClass(serverName);
    awaitHealthy(serverId);
  }

  @AfterAll
  void cleanUp() {
    giveBack(serverId);
    for (JsonNode w : json(get("/api/v1/workflows", ADMIN_KEY))) {
      if (imported.contains(w.path("name").asString())) {
        method("DELETE", "/api/v1/workflows/" + w.path("id").asString(), ADMIN_KEY, null);
      }
    }
  }

  @Test
  void pastedJsonIsImportedAfterRefusalsInPlainWordsAndItsInputsAreChosen() {
    String name = uniqueName("pasted");
    imported.add(name);
    logIn();
    navLink("Workflows").click();
    label("Name").fill(name);

    label("Workflow JSON").fill("{\"3\": {\"class_type\": ");
    button("Import").click();
    assertThat(page.locator("#import-error [role=alert]")).containsText("That is not valid JSON");

    label("Workflow JSON").fill("{}");
    button("Import").click();
    Locator refused = page.locator("#import-error [role=alert]");
    assertThat(refused).containsText("The workflow was not imported");
    assertThat(refused).containsText("no nodes");

    label("Workflow JSON").fill(MISSING_MODEL_GRAPH);
    button("Import").click();
    assertThat(heading(name)).isVisible();
    // derived inputs come ticked: the prompt and the sampler's numbers, not the file prefix
    assertThat(label("6/text")).isChecked();
    assertThat(label("3/steps")).isChecked();
    assertThat(label("9/filename_prefix")).not().isChecked();
    assertThat(page.locator("#inputs-table tr[data-key='6/text']")).containsText("prompt");

    label("3/steps").uncheck();
    label("9/filename_prefix").check();
    button("Save inputs").click();
    assertThat(page.locator("#flash")).containsText("Inputs saved");

    String id = page.url().replaceAll(".*#/workflows/", "");
    JsonNode inputs = json(get("/api/v1/workflows/" + id + "/inputs", ADMIN_KEY));
    org.assertj.core.api.Assertions.assertThat(inputs.has("9/filename_prefix")).isTrue();
    org.assertj.core.api.Assertions.assertThat(inputs.has("3/steps")).isFalse();
    org.assertj.core.api.Assertions.assertThat(inputs.has("6/text")).isTrue();
    page.reload();
    assertThat(label("9/filename_prefix")).isChecked();
    assertThat(label("3/steps")).not().isChecked();

    // analysis: the rented server lacks this workflow's checkpoint, in words
    button("Analyze against the fleet").click();
    Locator row = page.locator("#analysis-table tr[data-server='" + serverName + "']");
    assertThat(row).containsText("Not ready");
    assertThat(row).containsText("nowhere-xl.safetensors");
    assertThat(page.locator("[data-runnable]")).isVisible();
  }

  @Test
  void aFileIsUploadedAndAnalyzedAsReadyOnASetUpServer() throws IOException {
    String name = uniqueName("uploaded");
    imported.add(name);
    byte[] file;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("workflows/sd-text-to-image.json")) {
      file = java.util.Objects.requireNonNull(in).readAllBytes();
    }
    logIn();
    navLink("Workflows").click();
    label("Workflow file (UI or API format)")
        .setInputFiles(new FilePayload(name + ".json", "application/json", file));
    assertThat(label("Name")).hasValue(name);
    assertThat(label("Workflow JSON")).hasValue(new String(file, StandardCharsets.UTF_8));
    button("Import").click();

    assertThat(heading(name)).isVisible();
    assertThat(label("6/text")).isChecked();
    button("Analyze against the fleet").click();
    Locator row = page.locator("#analysis-table tr[data-server='" + serverName + "']");
    assertThat(row).containsText("Ready");
    assertThat(row).not().containsText("Not ready");
    assertThat(page.locator("[data-runnable]")).containsText("At least one running server");

    // the list shows it, not as the default
    navLink("Workflows").click();
    Locator listed = page.locator("#wf-table tr[data-workflow='" + name + "']");
    assertThat(listed).isVisible();
    assertThat(listed).not().containsText("default");
  }

  private Locator label(String text) {
    return page.getByLabel(text, new Page.GetByLabelOptions().setExact(true));
  }
}
