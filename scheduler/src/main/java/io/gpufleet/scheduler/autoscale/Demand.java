package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A pool's demand now.
 *
 * @param queued jobs waiting for a server
 * @param queuedWork the expected server time of the waiting jobs, when known; otherwise the policy
 *     takes {@code queued} times the measured job time
 * @param arrivalsPerMinute jobs submitted in each of the last minutes, oldest first
 * @param waits how the jobs of the last hours waited, against the target
 */
public record Demand(
    int queued, @Nullable Duration queuedWork, List<Integer> arrivalsPerMinute, RecentWaits waits) {

  public static final Demand NONE = new Demand(0, null, List.of());

  public Demand {
    arrivalsPerMinute = List.copyOf(arrivalsPerMinute);
  }

  /** Demand with no wait history: the policy sizes every moment for the target. */
  public Demand(int queued, @Nullable Duration queuedWork, List<Integer> arrivalsPerMinute) {
    this(queued, queuedWork, arrivalsPerMinute, RecentWaits.NONE);
  }

  /** Jobs per second now, robust to a burst (see {@link Rates#robustPerMinute}). */
  double ratePerSecond() {
    return Rates.robustPerMinute(arrivalsPerMinute) / 60.0;
  }
}
