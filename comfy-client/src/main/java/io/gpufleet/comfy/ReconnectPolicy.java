package io.gpufleet.comfy;

import java.time.Duration;

/**
 * How a WebSocket session reconnects: exponential backoff from {@code initialDelay} capped at
 * {@code maxDelay}; after {@code maxAttempts} failed attempts in a row the server is given up.
 */
public record ReconnectPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30));
  public static final ReconnectPolicy NEVER = new ReconnectPolicy(0, Duration.ZERO, Duration.ZERO);

  public ReconnectPolicy {
    if (maxAttempts < 0 || initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("invalid reconnect policy");
    }
  }

  Duration delayBefore(int attempt) {
    long factor = 1L << Math.min(attempt - 1, 20);
    Duration d = initialDelay.multipliedBy(factor);
    return d.compareTo(maxDelay) > 0 ? maxDelay : d;
  }
}
