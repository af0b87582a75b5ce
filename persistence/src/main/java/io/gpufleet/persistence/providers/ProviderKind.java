package io.gpufleet.persistence.providers;

import java.util.Locale;
import java.util.Optional;

/** The providers a profile can connect to, stored and answered by their lower-case names. */
public enum ProviderKind {
  OLLAMA,
  OPENAI,
  GEMINI,
  CLAUDE,
  COMFYUI;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ProviderKind> parse(String text) {
    for (ProviderKind kind : values()) {
      if (kind.id().equalsIgnoreCase(text.trim())) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }

  /** Whether the provider answers chat (ComfyUI makes images). */
  public boolean chats() {
    return this != COMFYUI;
  }
}
