package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.assertions.LocatorAssertions;
import org.junit.jupiter.api.Test;

/** Servers in the console: create from a spec with the offer preview; stop and destroy. */
class ServersIT extends ConsoleTestBase {

  private static final LocatorAssertions.HasTextOptions LONG =
      new LocatorAssertions.HasTextOptions().setTimeout(60_000);

  @Test
  void anAdminCreatesAServerFromASpecSeesTheOffersAndWatchesItReachRunning() {
    String name = uniqueName("ui");
    rented.add(name);
    logIn();
    navLink("Servers").click();
    page.getByText("New server").click();
    assertThat(heading("New server")).isVisible();

    page.getByLabel("Name").fill(name);
    page.getByLabel("GPU", new com.microsoft.playwright.Page.GetByLabelOptions().setExact(true))
        .fill("RTX 4090");
    page.getByLabel("Max $/h").fill("2.00");

    Locator offers = page.locator("#offer-table tbody tr[data-offer]");
    assertThat(offers.first()).isVisible();
    assertThat(offers.first()).containsText("RTX 4090");
    assertThat(page.locator("[data-offer-count]")).containsText("matching offer");
    // a price no offer meets empties the preview, in plain words
    page.getByLabel("Max $/h").fill("0.01");
    assertThat(page.getByText("No offer matches this spec")).isVisible();
    page.getByLabel("Max $/h").fill("2.00");
    assertThat(offers.first()).isVisible();

    button("Create server").click();

    assertThat(heading(name)).isVisible();
    assertThat(page.locator("[data-field=status]")).hasText("Running", LONG);
    assertThat(page.locator("#details")).containsText("RTX 4090");
    assertThat(page.locator("#details")).containsText("http://127.0.0.1:");
    // ComfyUI's own sections leave "Loading" for its answer, or a reason in words
    assertThat(page.locator("#stats")).not().containsText("Loading");
    assertThat(page.locator("#stats")).not().containsText("once the server is running");

    navLink("Servers").click();
    Locator row = page.locator("tr[data-server='" + name + "']");
    assertThat(row).containsText("Running");
    assertThat(row).containsText("$0.");
  }

  @Test
  void stoppingAndDestroyingAskForConfirmationFirst() {
    String name = uniqueName("ops");
    String id = createServer(name);
    awaitStatus(id, "RUNNING");
    logIn();
    navLink("Servers").click();
    Locator row = page.locator("tr[data-server='" + name + "']");
    assertThat(row).containsText("Running");

    row.getByText("Stop", new Locator.GetByTextOptions().setExact(true)).click();
    assertThat(heading("Stop " + name + "?")).isVisible();
    button("Cancel").click();
    assertThat(heading("Stop " + name + "?")).isHidden();
    org.assertj.core.api.Assertions.assertThat(serverStatus(id)).isEqualTo("RUNNING");

    row.getByText("Stop", new Locator.GetByTextOptions().setExact(true)).click();
    page.getByLabel("Stop at once, without draining").check();
    button("Stop server").click();
    assertThat(row)
        .containsText("Stopped", new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));

    row.getByText("Destroy", new Locator.GetByTextOptions().setExact(true)).click();
    assertThat(heading("Destroy " + name + "?")).isVisible();
    assertThat(page.locator("#dialog")).containsText("its disk is lost");
    button("Destroy server").click();

    assertThat(row).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
    org.assertj.core.api.Assertions.assertThat(serverStatus(id)).isIn("DESTROYING", "DESTROYED");
  }

  @Test
  void aSetUpServersPageShowsItsComfyUiOptionsQueueStatsAndModels() {
    String name = uniqueName("page");
    String id = createServer(name, true);
    awaitHealthy(id);
    logIn();

    page.navigate("/console#/servers/" + id);

    assertThat(heading(name)).isVisible();
    assertThat(page.locator("#options")).containsText("v1-5-pruned-emaonly-fp16.safetensors");
    assertThat(page.locator("#options")).containsText("euler");
    assertThat(page.locator("#stats")).containsText("RTX 4090");
    assertThat(page.locator("[data-comfy-version]")).not().hasText("—");
    assertThat(page.locator("[data-queue-running]")).hasText("0");
    Locator models = page.locator("#models table[data-models]");
    assertThat(models).containsText("checkpoints");
    assertThat(models).containsText("v1-5-pruned-emaonly-fp16.safetensors");
    assertThat(page.locator("#runs")).containsText("Succeeded");
  }
}
