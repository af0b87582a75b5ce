package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.ScriptKind;
import org.jspecify.annotations.Nullable;

/**
 * A setup script as an admin writes it, to create one or replace one's fields.
 *
 * @param name unique whatever its case, at most 100 characters
 * @param content a bash script; {@code ##STEP n/m title} lines on stdout report progress
 */
public record SetupScriptDraft(
    String name, @Nullable String description, String content, ScriptKind kind) {

  public SetupScriptDraft {
    if (name == null || name.isBlank() || name.strip().length() > 100) {
      throw new IllegalArgumentException("A setup script needs a name of 1 to 100 characters");
    }
    if (content == null || content.isBlank()) {
      throw new IllegalArgumentException("A setup script needs content");
    }
    if (content.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("A setup script cannot contain NUL characters");
    }
    if (kind == null) {
      throw new IllegalArgumentException("A setup script needs a kind (INSTALL or RESET)");
    }
    name = name.strip();
  }
}
