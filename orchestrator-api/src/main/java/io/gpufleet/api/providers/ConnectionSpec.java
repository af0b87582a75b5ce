package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProviderKind;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where and how to reach a provider: the endpoint (null: the provider's public one), the API key in
 * the clear (kept in memory only; {@link #toString} masks it) and the per-call timeout.
 */
public record ConnectionSpec(
    ProviderKind provider, @Nullable String endpoint, @Nullable String apiKey, Duration timeout) {

  /** The endpoint, or the provider's default one. */
  public String baseUrl() {
    if (endpoint != null && !endpoint.isBlank()) {
      String url = endpoint.strip();
      return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
    return switch (provider) {
      case OLLAMA -> "http://localhost:11434";
      case OPENAI -> "https://api.openai.com/v1";
      case CLAUDE -> "https://api.anthropic.com";
      case GEMINI -> "https://generativelanguage.googleapis.com";
      case COMFYUI -> "http://localhost:8188";
    };
  }

  @Override
  public String toString() {
    return "ConnectionSpec["
        + provider.id()
        + " "
        + baseUrl()
        + (apiKey == null ? "" : " key=****")
        + " timeout="
        + timeout
        + "]";
  }
}
