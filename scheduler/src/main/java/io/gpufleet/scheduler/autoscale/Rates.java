package io.gpufleet.scheduler.autoscale;

import java.util.Arrays;
import java.util.List;

/** Arrival rates that a single burst cannot inflate. */
final class Rates {

  private Rates() {}

  /**
   * The mean of per-minute counts after capping each at {@code 2 × median + 3}: a burst of a few
   * hundred jobs in one minute is work in the queue (the backlog rule handles it), not a rate that
   * will go on, so it must not make the policy keep many servers for the next hour.
   */
  static double robustPerMinute(List<Integer> perMinute) {
    if (perMinute.isEmpty()) {
      return 0;
    }
    return robustPerMinute(perMinute.stream().mapToInt(Integer::intValue).toArray());
  }

  static double robustPerMinute(int[] counts) {
    if (counts.length == 0) {
      return 0;
    }
    int[] sorted = counts.clone();
    Arrays.sort(sorted);
    double median =
        sorted.length % 2 == 1
            ? sorted[sorted.length / 2]
            : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
    double cap = 2 * median + 3;
    double sum = 0;
    for (int count : sorted) {
      sum += Math.min(count, cap);
    }
    return sum / sorted.length;
  }
}
