package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.persistence.setup.SetupScriptRepository;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
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

  private static SetupScriptDraft draft(String prefix, String content) {
    return named(prefix + "-" + UUID.randomUUID(), content);
  }

  private static SetupScriptDraft named(String name, String content) {
    return new SetupScriptDraft(name, null, content, ScriptKind.INSTALL);
  }
}
