package io.gpufleet.benchmarks.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The statistics the dispatch benchmark prints: nearest-rank percentiles of a sample of durations
 * (in milliseconds, as doubles so sub-millisecond latencies keep their digits), rates and ratios,
 * formatted for Markdown tables.
 */
final class Latencies {

  private final List<Double> sorted;

  private Latencies(List<Double> sorted) {
    this.sorted = sorted;
  }

  static Latencies of(Collection<Double> millis) {
    List<Double> copy = new ArrayList<>(millis);
    Collections.sort(copy);
    return new Latencies(List.copyOf(copy));
  }

  static Latencies ofNanos(Collection<Long> nanos) {
    return of(nanos.stream().map(n -> n / 1e6).toList());
  }

  int count() {
    return sorted.size();
  }

  /**
   * The nearest-rank percentile: the smallest value with at least {@code p} percent of the sample
   * at or below it (p50 of 1..100 is 50, p99 is 99, p100 the maximum). NaN for an empty sample.
   */
  double percentile(double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    if (p <= 0) {
      return sorted.get(0);
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(rank, sorted.size()) - 1));
  }

  double p50() {
    return percentile(50);
  }

  double p99() {
    return percentile(99);
  }

  double max() {
    return percentile(100);
  }

  double min() {
    return percentile(0);
  }

  /** How many events per second: {@code count} over {@code nanos} of wall time. */
  static double rate(int count, long nanos) {
    return nanos <= 0 ? Double.NaN : count / (nanos / 1e9);
  }

  /** {@code a / b}, formatted with two decimals and a times sign; "n/a" when b is not positive. */
  static String ratio(double a, double b) {
    if (!(b > 0) || Double.isNaN(a)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.2f×", a / b);
  }

  /** Milliseconds with a precision that suits their size: 0.42, 4.2, 42, 420. */
  static String ms(double millis) {
    if (Double.isNaN(millis)) {
      return "n/a";
    }
    double abs = Math.abs(millis);
    String pattern = abs < 1 ? "%.2f" : abs < 10 ? "%.1f" : "%.0f";
    return String.format(Locale.ROOT, pattern, millis) + " ms";
  }

  static String seconds(double seconds) {
    return Double.isNaN(seconds) ? "n/a" : String.format(Locale.ROOT, "%.1f s", seconds);
  }

  static String perSecond(double rate) {
    return Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.0f/s", rate);
  }
}
