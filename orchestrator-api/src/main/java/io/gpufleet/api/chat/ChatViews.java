package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProfileOptions;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What {@code POST /chat} reads and answers. */
final class ChatViews {

  private ChatViews() {}

  /**
   * A conversation to continue. {@code profileId}, or else {@code provider} (its first enabled
   * profile), says where it goes; {@code model} defaults to the profile's.
   */
  record ChatRequest(
      @Nullable UUID profileId,
      @Nullable String provider,
      @Nullable @Size(max = 300) String model,
      @NotEmpty @Size(max = 200) List<@Valid @NotNull Message> messages,
      @Nullable @Valid ProfileOptions options,
      @Nullable Boolean stream) {

    boolean streamed() {
      return Boolean.TRUE.equals(stream);
    }
  }

  /** One message; {@code images} are base64 (or {@code data:} URLs), for models that take them. */
  record Message(
      @NotBlank
          @Pattern(regexp = "system|user|assistant", message = "must be system, user or assistant")
          String role,
      @NotNull @Size(max = 200_000) String content,
      @Nullable @Size(max = 8) List<@NotBlank String> images) {}

  record Usage(int promptTokens, int completionTokens, int totalTokens) {}

  /** The answer, as JSON or as a stream's {@code done} event. */
  record ChatAnswer(
      String response,
      UUID profileId,
      String profile,
      String provider,
      String model,
      Usage usage,
      BigDecimal cost,
      long durationMs,
      @Nullable String finishReason) {}

  /** A stream's {@code token} event. */
  record Token(String text) {}

  /** A profile a user may chat through: no endpoint, no key. */
  record ChatProfile(
      UUID id,
      String name,
      String provider,
      @Nullable String defaultModel,
      List<ChatModelView> models) {}

  record ChatModelView(String model, @Nullable String name, boolean vision) {}
}
