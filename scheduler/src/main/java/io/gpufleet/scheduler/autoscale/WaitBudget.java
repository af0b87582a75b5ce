package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import java.util.Locale;

/**
 * What the policy does with the target's allowance of late jobs. The promise is a p95 over a
 * period: up to 5 % of jobs may wait past the target. Sizing every moment for 95 % on time lands
 * far under it (most jobs wait 0 s) and pays for servers that mostly idle. So while the late share
 * of the last hours is well under the allowance the pool <em>spends</em> it: it sizes for a looser
 * quantile and stops a server it does not need after a minute idle rather than the pool's idle
 * limit. Near the allowance it sizes for the target's own quantile and keeps the idle limit; past
 * it, for 99 %, so that the period's p95 comes back under the target. With too few jobs to tell, it
 * keeps the target.
 */
record WaitBudget(Mode mode, RecentWaits waits) {

  /** The share of jobs the target lets wait longer than it. */
  static final double ALLOWANCE = 1 - Sizing.QUANTILE;

  /** Fewer known waits than this say nothing about the share (a quiet night's ten jobs). */
  static final int MIN_JOBS = 50;

  /**
   * While spending, an unneeded server goes after this long idle (or the pool's limit if shorter).
   */
  static final Duration SPENDING_IDLE = Duration.ofMinutes(1);

  enum Mode {
    /** The late share is at most half the allowance: size loosely, stop unneeded servers soon. */
    SPEND(0.8, "spending it"),
    /** Unspent, but the usual demand rises soon: a lean pool would fall behind the ramp. */
    RISING(Sizing.QUANTILE, "unspent, but the usual demand rises soon: sizing for p95"),
    /** Between half the allowance and all of it: size for the target's own quantile. */
    KEEP(Sizing.QUANTILE, "near it, sizing for p95"),
    /** Past the allowance: size tighter until the share comes back. */
    RECOVER(0.99, "past it, sizing for p99"),
    /** Too few jobs to tell. */
    UNKNOWN(Sizing.QUANTILE, "");

    final double quantile;
    final String says;

    Mode(double quantile, String says) {
      this.quantile = quantile;
      this.says = says;
    }
  }

  static WaitBudget of(RecentWaits waits, boolean rising) {
    if (waits.jobs() < MIN_JOBS) {
      return new WaitBudget(Mode.UNKNOWN, waits);
    }
    double share = share(waits);
    Mode mode = share <= ALLOWANCE / 2 ? Mode.SPEND : share <= ALLOWANCE ? Mode.KEEP : Mode.RECOVER;
    if (mode == Mode.SPEND && rising) {
      mode = Mode.RISING;
    }
    return new WaitBudget(mode, waits);
  }

  double quantile() {
    return mode.quantile;
  }

  /** How long a server the sizing does not need must have been idle before it is stopped. */
  Duration idleLimit(PoolPolicy policy) {
    Duration limit = policy.idleStopAfter();
    return mode == Mode.SPEND && SPENDING_IDLE.compareTo(limit) < 0 ? SPENDING_IDLE : limit;
  }

  /** For the decision log; empty when nothing is known. */
  String summary() {
    if (mode == Mode.UNKNOWN) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; %.1f %% of the last %d h's %d jobs waited past the target (allowance %.0f %%): %s",
        share(waits) * 100,
        RecentWaits.WINDOW.toHours(),
        waits.jobs(),
        ALLOWANCE * 100,
        mode.says);
  }

  private static double share(RecentWaits waits) {
    return waits.jobs() == 0 ? 0 : (double) waits.late() / waits.jobs();
  }
}
