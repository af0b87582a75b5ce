package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.persistence.setup.SetupScriptRepository;
import io.gpufleet.persistence.setup.SetupScriptVersion;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class SetupScriptServiceIT extends SchedulerIntegrationTest {

  @Autowired SetupScriptService scripts;
  @Autowired SetupScriptRepository repository;
  @Autowired ServerRepository servers;
  @Autowired Clock clock;

  @Test
  void theBuiltinScriptsExistWithTheBundledContent() {
    SetupScript install = scripts.builtin(ScriptKind.INSTALL);
    SetupScript reset = scripts.builtin(ScriptKind.RESET);

    assertThat(install.getName()).isEqualTo("Install ComfyUI");
    assertThat(install.isBuiltin()).isTrue();
    assertThat(install.getKind()).isEqualTo(ScriptKind.INSTALL);
    assertThat(reset.getName()).isEqualTo("Reset ComfyUI");
    assertThat(reset.getKind()).isEqualTo(ScriptKind.RESET);
    assertThat(scripts.list())
        .extracting(SetupScript::getId)
        .contains(install.getId(), reset.getId());
  }

  @Test
  void installOllamaIsABuiltinAndTheDefaultSetupOfAnOllamaServer() {
    SetupScript ollama = scripts.builtinOllama();
    Instant now = Instant.now(clock);
    Server comfyServer =
        new Server(
            "comfy-" + UUID.randomUUID(),
            "vast",
            new ServerSpec(null, 1, null, null, 40, null, null, null, null),
            now);
    Server ollamaServer =
        new Server(
            "ollama-" + UUID.randomUUID(),
            "vast",
            new ServerSpec(null, 1, null, null, 40, null, null, null, null),
            now);
    ollamaServer.setEngine(ServerEngine.OLLAMA);

    assertThat(ollama.getName()).isEqualTo("Install Ollama");
    assertThat(ollama.isBuiltin()).isTrue();
    assertThat(ollama.getKind()).isEqualTo(ScriptKind.INSTALL);
    assertThat(ollama.getContent()).isEqualTo(SetupScripts.load(SetupScripts.INSTALL_OLLAMA));
    assertThat(scripts.forSetupOf(ollamaServer).getId()).isEqualTo(ollama.getId());
    assertThat(scripts.forSetupOf(comfyServer).getId())
        .isEqualTo(scripts.builtin(ScriptKind.INSTALL).getId());
  }

  @Test
  void anEditedBuiltinIsNotOverwrittenOnTheNextStart() {
    SetupScript reset = scripts.builtin(ScriptKind.RESET);
    String original = reset.getContent();
    try {
      scripts.update(
          reset.getId(),
          new SetupScriptDraft(
              reset.getName(), "edited", original + "\necho edited\n", ScriptKind.RESET));

      scripts.ensureBuiltins();

      SetupScript after = scripts.builtin(ScriptKind.RESET);
      assertThat(after.getId()).isEqualTo(reset.getId());
      assertThat(after.getContent()).endsWith("echo edited\n");
      assertThat(after.getVersion()).isEqualTo(reset.getVersion() + 1);
    } finally {
      scripts.update(
          reset.getId(),
          new SetupScriptDraft(
              reset.getName(), reset.getDescription(), original, ScriptKind.RESET));
    }
  }

  @Test
  void theVersionGoesUpOnlyWhenTheContentChanges() {
    SetupScript created = scripts.create(draft("versioned", "echo 1\n"));
    assertThat(created.getVersion()).isEqualTo(1);

    SetupScript renamed =
        scripts.update(created.getId(), named(created.getName() + "-x", "echo 1\n"));
    assertThat(renamed.getVersion()).isEqualTo(1);

    SetupScript changed = scripts.update(created.getId(), named(renamed.getName(), "echo 2\n"));
    assertThat(changed.getVersion()).isEqualTo(2);
    assertThat(scripts.get(created.getId()).getContent()).isEqualTo("echo 2\n");
  }

  @Test
  void anUnusedScriptIsDeleted() {
    SetupScript created = scripts.create(draft("doomed", "echo\n"));

    scripts.delete(created.getId());

    assertThatThrownBy(() -> scripts.get(created.getId()))
        .isInstanceOf(SetupNotFoundException.class)
        .extracting(e -> ((SetupNotFoundException) e).code())
        .isEqualTo(SetupNotFoundException.SCRIPT);
  }

  @Nested
  class Refusals {

    @Test
    void aNameTakenWhateverItsCaseIsRefused() {
      SetupScript first = scripts.create(draft("Taken", "echo\n"));

      assertThatThrownBy(() -> scripts.create(named(first.getName().toUpperCase(), "echo\n")))
          .isInstanceOf(SetupConflictException.class)
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SCRIPT_NAME_TAKEN);
      SetupScript second = scripts.create(draft("Other", "echo\n"));
      assertThatThrownBy(() -> scripts.update(second.getId(), named(first.getName(), "echo\n")))
          .isInstanceOf(SetupConflictException.class);
    }

    @Test
    void aBuiltinCannotBeDeletedNorChangeItsKind() {
      SetupScript install = scripts.builtin(ScriptKind.INSTALL);

      assertThatThrownBy(() -> scripts.delete(install.getId()))
          .isInstanceOf(SetupConflictException.class)
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SCRIPT_BUILTIN);
      assertThatThrownBy(
              () ->
                  scripts.update(
                      install.getId(),
                      new SetupScriptDraft(
                          install.getName(), null, install.getContent(), ScriptKind.RESET)))
          .isInstanceOf(SetupConflictException.class);
      assertThat(repository.findById(install.getId())).isPresent();
    }

    @Test
    void aScriptAServerUsesCannotBeDeleted() {
      SetupScript used = scripts.create(draft("used", "echo\n"));
      Instant now = Instant.now(clock);
      Server server =
          new Server(
              "uses-" + UUID.randomUUID(),
              "manual",
              new ServerSpec(null, 1, null, null, 40, null, null, null, null),
              now);
      server.setSetup(used.getId(), true, now);
      servers.save(server);

      assertThatThrownBy(() -> scripts.delete(used.getId()))
          .isInstanceOf(SetupConflictException.class)
          .hasMessageContaining("setup script of a server")
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SCRIPT_IN_USE);
      assertThat(scripts.forSetupOf(server).getId()).isEqualTo(used.getId());
    }

    @Test
    void aDraftWithoutNameOrContentIsInvalid() {
      assertThatThrownBy(() -> new SetupScriptDraft(" ", null, "echo", ScriptKind.INSTALL))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new SetupScriptDraft("name", null, "  ", ScriptKind.INSTALL))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Nothing a save replaces is lost. */
  @Nested
  class History {

    private final ScriptAuthor alice = new ScriptAuthor(UUID.randomUUID(), "alice");
    private final ScriptAuthor bob = new ScriptAuthor(UUID.randomUUID(), "bob");

    @Test
    void everyChangedContentIsAVersionWithWhoSavedItAndWhen() {
      SetupScript script = scripts.create(draft("history", "echo 1\n"), alice);
      scripts.update(script.getId(), named(script.getName(), "echo 2\n"), bob);
      // a rename alone changes no content: no version
      scripts.update(script.getId(), named(script.getName() + "-x", "echo 2\n"), alice);
      scripts.update(script.getId(), named(script.getName() + "-x", "echo 3\n"), alice);

      List<SetupScriptVersion> history = scripts.versions(script.getId());

      assertThat(history).extracting(SetupScriptVersion::getVersion).containsExactly(3, 2, 1);
      assertThat(history)
          .extracting(SetupScriptVersion::getAuthorName)
          .containsExactly("alice", "bob", "alice");
      assertThat(history.get(1).getAuthorId()).isEqualTo(bob.id());
      assertThat(history)
          .extracting(SetupScriptVersion::getContent)
          .containsExactly("echo 3\n", "echo 2\n", "echo 1\n");
      assertThat(history).allSatisfy(v -> assertThat(v.getSavedAt()).isNotNull());
      assertThat(scripts.get(script.getId()).getVersion()).isEqualTo(3);
    }

    @Test
    void twoVersionsAreComparedAsAUnifiedDiff() {
      SetupScript script =
          scripts.create(draft("diff", "#!/bin/bash\napt-get update\necho one\n"), alice);
      scripts.update(
          script.getId(),
          named(script.getName(), "#!/bin/bash\napt-get update\necho two\nreboot\n"),
          bob);

      assertThat(scripts.diff(script.getId(), 2, 1))
          .isEqualTo(
              "--- v1\n+++ v2\n@@ -1,3 +1,4 @@\n #!/bin/bash\n apt-get update\n-echo one\n"
                  + "+echo two\n+reboot\n");
      assertThat(scripts.diff(script.getId(), 2, 2)).isEmpty();
      assertThatThrownBy(() -> scripts.diff(script.getId(), 2, 7))
          .isInstanceOf(SetupNotFoundException.class)
          .extracting(e -> ((SetupNotFoundException) e).code())
          .isEqualTo(SetupNotFoundException.SCRIPT_VERSION);
    }

    @Test
    void aRestoreIsANewSaveOfTheOldContent() {
      SetupScript script = scripts.create(draft("restore", "echo good\n"), alice);
      scripts.update(script.getId(), named(script.getName(), "echo broken\n"), bob);

      SetupScript restored = scripts.restore(script.getId(), 1, alice);

      assertThat(restored.getVersion()).isEqualTo(3);
      assertThat(restored.getContent()).isEqualTo("echo good\n");
      assertThat(scripts.version(script.getId(), 2).getContent()).isEqualTo("echo broken\n");
      assertThat(scripts.version(script.getId(), 3).getAuthorName()).isEqualTo("alice");
    }

    @Test
    void savesAtTheSameTimeEachGetAVersionOfTheirOwn() throws Exception {
      SetupScript script = scripts.create(draft("race", "echo 0\n"), alice);
      int saves = 4;
      ExecutorService pool = Executors.newFixedThreadPool(saves);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SetupScript>> done = new ArrayList<>();
        for (int i = 1; i <= saves; i++) {
          String content = "echo " + i + "\n";
          done.add(
              pool.submit(
                  () -> {
                    start.await();
                    return scripts.update(script.getId(), named(script.getName(), content), bob);
                  }));
        }
        start.countDown();
        for (Future<SetupScript> f : done) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }

      assertThat(scripts.versions(script.getId()))
          .extracting(SetupScriptVersion::getVersion)
          .containsExactly(5, 4, 3, 2, 1);
      assertThat(scripts.versions(script.getId()))
          .extracting(SetupScriptVersion::getContent)
          .containsExactlyInAnyOrder("echo 0\n", "echo 1\n", "echo 2\n", "echo 3\n", "echo 4\n");
    }
  }

  private static SetupScriptDraft draft(String prefix, String content) {
    return named(prefix + "-" + UUID.randomUUID(), content);
  }

  private static SetupScriptDraft named(String name, String content) {
    return new SetupScriptDraft(name, null, content, ScriptKind.INSTALL);
  }
}
