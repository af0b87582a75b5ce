package io.gpufleet.vast;

import java.time.Duration;
import java.util.random.RandomGenerator;

/** Exponential backoff with jitter; Vast sends no Retry-After, so the client must guess. */
record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    double jitter) {

  RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be at least 1");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter is a fraction between 0 and 1");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
    }
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  Duration backoffAfter(int attempt, RandomGenerator random) {
    double base = initialBackoff.toNanos() * Math.pow(multiplier, attempt - 1.0);
    double capped = Math.min(base, maxBackoff.toNanos());
    double factor = 1 + jitter * (random.nextDouble() * 2 - 1);
    return Duration.ofNanos(Math.round(Math.min(capped * factor, maxBackoff.toNanos())));
  }
}
