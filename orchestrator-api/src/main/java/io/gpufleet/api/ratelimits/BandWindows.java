package io.gpufleet.api.ratelimits;

import java.util.Arrays;

/**
 * The counts of one user's bands of one kind: per band, the start of its current window and how
 * many actions it has counted there. A band of {@code limit} per {@code window} gives its whole
 * limit back at once when a window ends, counted from the band's first action (what bucket4j calls
 * an interval refill). Stored as one flat array, start and count per band, so that PostgreSQL keeps
 * it in one column of one row.
 */
final class BandWindows {

  private final long[] startsMillis;
  private final long[] used;

  private BandWindows(long[] startsMillis, long[] used) {
    this.startsMillis = startsMillis;
    this.used = used;
  }

  /** Counts never taken: every window starts at the next action. */
  static BandWindows fresh(int bands) {
    return new BandWindows(new long[bands], new long[bands]);
  }

  /** The stored form read back; one of another shape (the kind's bands changed) starts fresh. */
  static BandWindows parse(long[] stored, int bands) {
    if (stored.length != bands * 2) {
      return fresh(bands);
    }
    long[] starts = new long[bands];
    long[] used = new long[bands];
    for (int i = 0; i < bands; i++) {
      starts[i] = stored[2 * i];
      used[i] = stored[2 * i + 1];
    }
    return new BandWindows(starts, used);
  }

  long[] stored() {
    long[] flat = new long[startsMillis.length * 2];
    for (int i = 0; i < startsMillis.length; i++) {
      flat[2 * i] = startsMillis[i];
      flat[2 * i + 1] = used[i];
    }
    return flat;
  }

  /**
   * Takes one action from every band if each has room, else none (a refusal spends nothing). The
   * windows that ended before {@code nowMillis} start again, on their own grid, with nothing used.
   */
  boolean take(long[] windowsMillis, int[] limits, long nowMillis) {
    roll(windowsMillis, nowMillis);
    for (int i = 0; i < limits.length; i++) {
      if (used[i] >= limits[i]) {
        return false;
      }
    }
    for (int i = 0; i < limits.length; i++) {
      used[i]++;
    }
    return true;
  }

  /** The windows as of {@code nowMillis}, without taking anything. */
  void roll(long[] windowsMillis, long nowMillis) {
    for (int i = 0; i < startsMillis.length; i++) {
      long window = windowsMillis[i];
      if (startsMillis[i] == 0) {
        startsMillis[i] = nowMillis;
      } else if (nowMillis - startsMillis[i] >= window) {
        startsMillis[i] += (nowMillis - startsMillis[i]) / window * window;
        used[i] = 0;
      }
    }
  }

  long used(int band) {
    return used[band];
  }

  /** When band {@code band}'s current window ends and its whole limit is back. */
  long endMillis(int band, long[] windowsMillis) {
    return startsMillis[band] + windowsMillis[band];
  }

  BandWindows copy() {
    return new BandWindows(startsMillis.clone(), used.clone());
  }

  @Override
  public String toString() {
    return Arrays.toString(stored());
  }
}
