package io.gpufleet.scheduler.setup;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Who saves a setup script: a user (id and name), or the platform itself for its builtins. */
public record ScriptAuthor(@Nullable UUID id, String name) {

  public static final ScriptAuthor PLATFORM = new ScriptAuthor(null, "platform");
}
