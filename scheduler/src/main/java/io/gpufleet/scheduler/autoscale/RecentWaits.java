package io.gpufleet.scheduler.autoscale;

import java.time.Duration;

/**
 * How the pool's jobs of the last {@link #WINDOW} waited: those whose wait is known (they were
 * dispatched, or have been queued longer than the target already) and how many of them waited past
 * the target. The policy spends the target's allowance of late jobs from this (see {@link
 * WaitBudget}).
 */
public record RecentWaits(int jobs, int late) {

  /**
   * The period over which the pool's p95 is kept: long enough to hold a burst, short enough to
   * react.
   */
  public static final Duration WINDOW = Duration.ofHours(6);

  /**
   * Nothing known yet (a new pool, or no history): the policy sizes every moment for the target.
   */
  public static final RecentWaits NONE = new RecentWaits(0, 0);

  public RecentWaits {
    if (jobs < 0 || late < 0 || late > jobs) {
      throw new IllegalArgumentException("Need 0 <= late <= jobs, got " + late + " of " + jobs);
    }
  }
}
