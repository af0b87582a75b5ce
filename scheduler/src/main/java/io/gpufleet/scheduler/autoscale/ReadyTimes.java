package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How long a server of the pool's spec takes to become ready: from a start of a stopped server, and
 * from a new rental (which downloads and sets up everything).
 */
public record ReadyTimes(Duration start, Duration rent) {

  /** What Vast.ai usually takes when nothing has been measured yet. */
  public static final ReadyTimes TYPICAL =
      new ReadyTimes(Duration.ofMinutes(2), Duration.ofMinutes(6));

  /**
   * The 90th percentile of the measured times, each falling back to {@code fallback}'s when there
   * are fewer than three measurements: the policy plans with a slow start, not an average one.
   */
  public static ReadyTimes measured(
      List<Duration> starts, List<Duration> rents, ReadyTimes fallback) {
    return new ReadyTimes(p90(starts, fallback.start()), p90(rents, fallback.rent()));
  }

  private static Duration p90(List<Duration> samples, Duration fallback) {
    if (samples.size() < 3) {
      return fallback;
    }
    List<Duration> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
  }
}
