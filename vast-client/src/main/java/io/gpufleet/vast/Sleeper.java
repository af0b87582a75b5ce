package io.gpufleet.vast;

import java.time.Duration;

/** Waits; tests swap in one that only moves a clock. */
@FunctionalInterface
interface Sleeper {
  Sleeper REAL = duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  void sleep(Duration duration) throws InterruptedException;
}
