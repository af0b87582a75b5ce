package io.gpufleet.benchmarks.autoscale;

import java.util.Arrays;

/**
 * The jobs a simulated fleet has started, in the order they started: each one's arrival and wait,
 * and how many of those that arrived lately waited past a bound (the one bound a simulation asks
 * with; the counts are kept as running sums, so each question costs only the jobs started since).
 */
final class StartedJobs {

  private final double[] arrivals;
  private final double[] waits;

  /** {@code lateBefore[i]}: how many of the first {@code i} started jobs waited past the bound. */
  private final int[] lateBefore;

  private double bound = Double.NaN;
  private int counted;
  private int windowFrom;
  private int size;

  StartedJobs(int capacity) {
    arrivals = new double[capacity];
    waits = new double[capacity];
    lateBefore = new int[capacity + 1];
  }

  void add(double arrival, double wait) {
    arrivals[size] = arrival;
    waits[size++] = wait;
  }

  /** The waits so far, with room for {@code more} after them. */
  double[] waits(int more) {
    return Arrays.copyOf(waits, size + more);
  }

  int size() {
    return size;
  }

  /**
   * Of the started jobs that arrived at or after {@code from} (which only moves forward): how many,
   * and how many waited more than {@code bound} seconds.
   */
  int[] since(double from, double bound) {
    if (Double.isNaN(this.bound)) {
      this.bound = bound;
    }
    for (; counted < size; counted++) {
      lateBefore[counted + 1] = lateBefore[counted] + (waits[counted] > this.bound ? 1 : 0);
    }
    while (windowFrom < size && arrivals[windowFrom] < from) {
      windowFrom++;
    }
    return new int[] {size - windowFrom, lateBefore[size] - lateBefore[windowFrom]};
  }
}
