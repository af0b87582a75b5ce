package io.gpufleet.api.ollama;

import io.gpufleet.api.ollama.OllamaModels.ServerModel;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** What the Ollama admin calls take and answer. */
final class OllamaViews {

  private OllamaViews() {}

  /** Ollama's model names: {@code name[:tag]}, optionally with a namespace or registry. */
  static final String MODEL_NAME = "[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}";

  /**
   * @param keepAlive for a load: how long Ollama keeps it in memory ({@code "30m"}, {@code "1h"},
   *     {@code "-1"} for ever); 30 minutes when absent
   */
  record ModelRequest(
      @NotBlank
          @Size(max = 255)
          @Pattern(
              regexp = MODEL_NAME,
              message = "must be an Ollama model name such as llama3.2:3b")
          String model,
      @Nullable
          @Size(max = 16)
          @Pattern(regexp = "-1|0|[0-9]{1,6}(ms|s|m|h)?", message = "must be like 30m, 1h or -1")
          String keepAlive) {}

  record ModelView(String name, long sizeBytes, boolean loaded, @Nullable Instant expiresAt) {
    static ModelView of(ServerModel m) {
      return new ModelView(m.name(), m.sizeBytes(), m.loaded(), m.expiresAt());
    }
  }

  /** One line of a pull as the SSE {@code progress} event carries it. */
  record PullProgressView(String status, @Nullable Long completed, @Nullable Long total) {}

  /** The SSE {@code error} event: the problem's code and what went wrong. */
  record PullError(String code, String detail) {}
}
