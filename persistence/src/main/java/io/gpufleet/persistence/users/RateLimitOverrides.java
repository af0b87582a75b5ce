package io.gpufleet.persistence.users;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;

/** An admin's per-user overrides of the rate-limit bands; {@code null} keeps the default. */
@Embeddable
public record RateLimitOverrides(
    @Column(name = "limit_generations_per_minute") @Nullable Integer generationsPerMinute,
    @Column(name = "limit_generations_per_hour") @Nullable Integer generationsPerHour,
    @Column(name = "limit_generations_per_day") @Nullable Integer generationsPerDay,
    @Column(name = "limit_requests_per_minute") @Nullable Integer requestsPerMinute,
    @Column(name = "limit_requests_per_hour") @Nullable Integer requestsPerHour) {

  public static RateLimitOverrides none() {
    return new RateLimitOverrides(null, null, null, null, null);
  }
}
