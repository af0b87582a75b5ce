package io.gpufleet.scheduler.autoscale;

import java.time.Duration;

/**
 * Erlang C (M/M/N) with the Allen–Cunneen correction: how many servers keep the wait of a quantile
 * of jobs under a target. Jobs arrive at random (Poisson), but a generation's run time varies far
 * less than exponentially; queues of near-constant jobs wait about half as long, so the tail of the
 * wait decays {@code 2 / (1 + cs²)} times faster than M/M/N says.
 */
final class Queueing {

  private static final int LIMIT = 10_000;

  /**
   * The squared coefficient of variation of run times assumed: ±30 % around the mean (a prompt's
   * steps and size vary within a pool's workflows).
   */
  static final double SERVICE_CV2 = 0.1;

  private Queueing() {}

  /**
   * The fewest servers for which at most {@code 1 - quantile} of jobs wait longer than {@code
   * target}, with jobs arriving at {@code ratePerSecond} and each taking {@code jobTime}.
   */
  static int serversFor(double ratePerSecond, Duration jobTime, Duration target, double quantile) {
    if (ratePerSecond <= 0) {
      return 0;
    }
    double jobSeconds = seconds(jobTime);
    double load = ratePerSecond * jobSeconds;
    for (int n = Math.max(1, (int) Math.floor(load) + 1); n < LIMIT; n++) {
      if (probabilityOfWaitingLonger(n, load, jobSeconds, seconds(target)) <= 1 - quantile) {
        return n;
      }
    }
    return LIMIT;
  }

  /** P(wait > t) for {@code n} servers at offered load {@code load} (erlangs). */
  static double probabilityOfWaitingLonger(int n, double load, double jobSeconds, double t) {
    if (n <= load) {
      return 1;
    }
    // Erlang B by its stable recursion, then C from B
    double b = 1;
    for (int k = 1; k <= n; k++) {
      b = load * b / (k + load * b);
    }
    double c = n * b / (n - load * (1 - b));
    double variability = (1 + SERVICE_CV2) / 2;
    return c * Math.exp(-(n - load) * t / (jobSeconds * variability));
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
