package io.gpufleet.api.console;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The Chat page streams an answer as it arrives; the Profiles page sets up and tests a profile. */
class ChatPageIT extends ConsoleTestBase {

  @Autowired OllamaSimulator ollama;

  @Test
  void anAnswerAppearsTokenByTokenThenItsUsage() {
    ollama.setTokensPerSecond(8); // 24 tokens take 3 s: long enough to watch them arrive
    try {
      logIn();
      navLink("Chat").click();
      assertThat(heading("Chat")).isVisible();
      page.getByLabel("Profile")
          .selectOption(
              new com.microsoft.playwright.options.SelectOption()
                  .setLabel("Sandbox Ollama (ollama)"));
      assertThat(page.getByLabel("Model")).hasValue("llama3.2:latest");
      page.getByLabel("Message").fill("Why is the sky blue?");
      button("Send").click();

      Locator you = page.locator(".chat-message.user");
      Locator answer = page.locator(".chat-message.assistant");
      assertThat(you).containsText("Why is the sky blue?");
      // part of the answer is on the page while the stream is still open
      assertThat(answer).hasAttribute("aria-busy", "true");
      assertThat(answer.locator(".chat-text")).containsText("Simulated answer");
      assertThat(answer.locator("[data-usage]")).hasCount(0);

      assertThat(answer.locator("[data-usage]")).containsText("24 out");
      assertThat(answer).not().hasAttribute("aria-busy", "true");
      assertThat(answer.locator(".chat-text")).containsText("Simulated answer from llama3.2:");
      assertThat(button("Send")).isEnabled();
    } finally {
      ollama.setTokensPerSecond(200);
    }
  }

  @Test
  void anAdminCreatesAProfileTestsItAndSyncsItsModels() {
    String name = uniqueName("local");
    logIn();
    navLink("Profiles").click();
    assertThat(heading("Provider profiles")).isVisible();
    page.getByLabel("Name").fill(name);
    page.getByLabel("Provider").selectOption("ollama");
    page.getByLabel("Endpoint").fill(ollama.baseUrl());
    page.getByLabel("Default model").fill("qwen2.5:0.5b");
    button("Create profile").click();

    assertThat(heading(name + " profile")).isVisible();
    button("Test connection").click();
    assertThat(page.locator("#profile-test-result")).containsText("Connected in");
    assertThat(page.locator("#profile-test-result")).containsText("version 0.12.6");
    button("Sync models").click();
    assertThat(page.locator("tr[data-model='llava:7b']")).containsText("yes");

    navLink("Profiles").click();
    assertThat(page.locator("tr[data-profile='" + name + "']")).containsText("Connected");
  }
}
