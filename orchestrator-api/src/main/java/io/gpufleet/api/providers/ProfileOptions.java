package io.gpufleet.api.providers;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * A profile's default generation options (a chat request may override them). Stored as JSON.
 *
 * @param timeoutSeconds how long one provider call may take (default 60 s)
 */
public record ProfileOptions(
    @Nullable @DecimalMin("0") @DecimalMax("2") Double temperature,
    @Nullable @Min(1) @Max(1_000_000) Integer maxTokens,
    @Nullable @DecimalMin("0") @DecimalMax("1") Double topP,
    @Nullable @Min(1) @Max(3600) Integer timeoutSeconds) {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  public static ProfileOptions none() {
    return new ProfileOptions(null, null, null, null);
  }

  /** These options with each of {@code over}'s set fields taking precedence. */
  public ProfileOptions overriddenBy(@Nullable ProfileOptions over) {
    if (over == null) {
      return this;
    }
    return new ProfileOptions(
        over.temperature != null ? over.temperature : temperature,
        over.maxTokens != null ? over.maxTokens : maxTokens,
        over.topP != null ? over.topP : topP,
        over.timeoutSeconds != null ? over.timeoutSeconds : timeoutSeconds);
  }

  public Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds == null ? 60 : timeoutSeconds);
  }

  /** The stored options, or none if they cannot be read. */
  public static ProfileOptions fromJsonOrNone(String json) {
    try {
      return fromJson(json);
    } catch (RuntimeException e) {
      return none();
    }
  }

  String toJson() {
    return JSON.writeValueAsString(this);
  }

  static ProfileOptions fromJson(String json) {
    return JSON.readValue(json, ProfileOptions.class);
  }
}
