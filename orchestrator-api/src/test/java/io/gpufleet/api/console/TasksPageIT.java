package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import org.junit.jupiter.api.Test;

/**
 * The Tasks page beside Generations: a text task made in the form runs on the sandbox's Ollama and
 * its page shows the answer when it arrives; the list finds it by search, and it can be deleted.
 */
class TasksPageIT extends ConsoleTestBase {

  @Test
  void aTextTaskMadeInTheFormShowsItsAnswerAndCanBeFoundAndDeleted() {
    String name = uniqueName("haiku");
    logIn();
    navLink("Tasks").click();
    assertThat(heading("Tasks")).isVisible();

    page.locator("#task-type").selectOption("text");
    page.locator("#task-form input[name=name]").fill(name);
    page.locator("#task-profile")
        .selectOption(new SelectOption().setLabel("Sandbox Ollama (ollama)"));
    assertThat(page.locator("#task-model")).hasValue("llama3.2:latest");
    prompt().fill("A haiku about a lighthouse");
    button("Create task").click();

    // its own page follows its events to the answer
    assertThat(heading(name)).isVisible();
    assertThat(page.locator("#task-status [data-status]")).hasAttribute("data-status", "COMPLETED");
    assertThat(page.locator("#task-result")).containsText("Simulated answer from llama3.2");
    assertThat(page.locator("[data-usage]")).containsText("out");

    // the list finds it by its name, with its status
    page.getByRole(
            AriaRole.LINK,
            new com.microsoft.playwright.Page.GetByRoleOptions().setName("All tasks"))
        .click();
    page.getByLabel("Search").fill(name);
    button("Filter").click();
    Locator row =
        page.locator(
            "#tasks-table tr", new com.microsoft.playwright.Page.LocatorOptions().setHasText(name));
    assertThat(row).hasCount(1);
    assertThat(row.locator("[data-status]")).hasAttribute("data-status", "COMPLETED");
    assertThat(page.locator("#export-csv"))
        .hasAttribute("href", java.util.regex.Pattern.compile("format=csv.*|.*format=csv"));

    row.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete")).click();
    page.locator("#dialog")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Delete task"))
        .click();
    assertThat(page.locator("#tasks")).containsText("No tasks match.");
  }

  @Test
  void aFailedTaskSaysWhyOnItsPage() {
    logIn();
    page.navigate("/console#/tasks");
    assertThat(heading("Tasks")).isVisible();
    page.locator("#task-type").selectOption("text");
    page.locator("#task-profile")
        .selectOption(new SelectOption().setLabel("Sandbox Ollama (ollama)"));
    // a model the server does not have: the task fails at once (no retries for that) and says why
    page.evaluate(
        "() => { const m = document.querySelector('#task-model');"
            + " m.add(new Option('no-such-model:1b', 'no-such-model:1b', true, true)); }");
    prompt().fill("Anything");
    button("Create task").click();
    assertThat(page.locator("#task-status [data-status]")).hasAttribute("data-status", "FAILED");
    assertThat(page.locator("#task-failure")).containsText("MODEL_NOT_FOUND");
    assertThat(page.locator("#task-failure")).containsText("no-such-model:1b");
    assertThat(button("Retry")).isVisible();
  }

  private Locator prompt() {
    return page.getByRole(
        AriaRole.TEXTBOX,
        new com.microsoft.playwright.Page.GetByRoleOptions().setName("Prompt").setExact(true));
  }
}
