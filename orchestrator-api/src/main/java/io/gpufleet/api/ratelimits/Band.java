package io.gpufleet.api.ratelimits;

import io.gpufleet.persistence.users.RateLimitOverrides;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** One window of a rate limit: so many actions of a kind per minute, hour or day. */
public enum Band {
  GENERATIONS_PER_MINUTE(
      Kind.GENERATIONS,
      Duration.ofMinutes(1),
      RateLimitOverrides::generationsPerMinute,
      RateLimitProperties::generationsPerMinute),
  GENERATIONS_PER_HOUR(
      Kind.GENERATIONS,
      Duration.ofHours(1),
      RateLimitOverrides::generationsPerHour,
      RateLimitProperties::generationsPerHour),
  GENERATIONS_PER_DAY(
      Kind.GENERATIONS,
      Duration.ofDays(1),
      RateLimitOverrides::generationsPerDay,
      RateLimitProperties::generationsPerDay),
  REQUESTS_PER_MINUTE(
      Kind.REQUESTS,
      Duration.ofMinutes(1),
      RateLimitOverrides::requestsPerMinute,
      RateLimitProperties::requestsPerMinute),
  REQUESTS_PER_HOUR(
      Kind.REQUESTS,
      Duration.ofHours(1),
      RateLimitOverrides::requestsPerHour,
      RateLimitProperties::requestsPerHour),
  // chat has no per-user override column yet: every user gets the configured defaults
  CHAT_PER_MINUTE(Kind.CHAT, Duration.ofMinutes(1), o -> null, RateLimitProperties::chatPerMinute),
  CHAT_PER_HOUR(Kind.CHAT, Duration.ofHours(1), o -> null, RateLimitProperties::chatPerHour),
  CHAT_PER_DAY(Kind.CHAT, Duration.ofDays(1), o -> null, RateLimitProperties::chatPerDay);

  /** What a band counts. */
  public enum Kind {
    GENERATIONS,
    REQUESTS,
    CHAT
  }

  private final Kind kind;
  private final Duration window;
  private final Function<RateLimitOverrides, @Nullable Integer> override;
  private final Function<RateLimitProperties, Integer> byDefault;

  Band(
      Kind kind,
      Duration window,
      Function<RateLimitOverrides, @Nullable Integer> override,
      Function<RateLimitProperties, Integer> byDefault) {
    this.kind = kind;
    this.window = window;
    this.override = override;
    this.byDefault = byDefault;
  }

  public Kind kind() {
    return kind;
  }

  public Duration window() {
    return window;
  }

  int limit(RateLimitOverrides overrides, RateLimitProperties defaults) {
    Integer own = override.apply(overrides);
    return own != null ? own : byDefault.apply(defaults);
  }

  /** How lists and documentation name the band, e.g. {@code generations/minute}. */
  public String label() {
    return kind.name().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + (window.toDays() == 1 ? "day" : window.toHours() == 1 ? "hour" : "minute");
  }

  static List<Band> of(Kind kind) {
    return Arrays.stream(values()).filter(b -> b.kind == kind).toList();
  }
}
