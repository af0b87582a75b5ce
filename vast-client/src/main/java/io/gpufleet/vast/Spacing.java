package io.gpufleet.vast;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a minimum interval between two calls to the same endpoint, because Vast enforces one per
 * endpoint and key and answers 429 (with a penalty) when it is not kept.
 */
final class Spacing {
  private final Map<Endpoint, Duration> minIntervals;
  private final Map<Endpoint, Slot> slots = new EnumMap<>(Endpoint.class);
  private final Clock clock;
  private final Sleeper sleeper;

  Spacing(Map<Endpoint, Duration> minIntervals, Clock clock, Sleeper sleeper) {
    this.minIntervals = new EnumMap<>(Endpoint.class);
    this.minIntervals.putAll(minIntervals);
    this.clock = clock;
    this.sleeper = sleeper;
    for (Endpoint endpoint : Endpoint.values()) {
      slots.put(endpoint, new Slot());
    }
  }

  /** Blocks until a call to {@code endpoint} is allowed, then claims the slot. */
  void await(Endpoint endpoint) throws InterruptedException {
    Duration interval = minIntervals.getOrDefault(endpoint, Duration.ZERO);
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    Slot slot = slots.get(endpoint);
    // One lock per endpoint: callers of different endpoints never wait for each other.
    synchronized (slot) {
      if (slot.last != null) {
        Duration wait = Duration.between(clock.instant(), slot.last.plus(interval));
        if (!wait.isNegative() && !wait.isZero()) {
          sleeper.sleep(wait);
        }
      }
      slot.last = clock.instant();
    }
  }

  private static final class Slot {
    private @Nullable Instant last;
  }
}
