package io.gpufleet.api.ratelimits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BandWindowsTest {

  private static final long MINUTE = 60_000;
  private static final long HOUR = 3_600_000;
  private static final long[] WINDOWS = {MINUTE, HOUR};
  private static final long T0 = 1_765_000_000_000L;

  @Test
  void aBandGivesItsWholeLimitBackWhenItsWindowEndsOnItsOwnGrid() {
    BandWindows counts = BandWindows.fresh(2);
    int[] limits = {2, 100};

    assertThat(counts.take(WINDOWS, limits, T0)).isTrue();
    assertThat(counts.take(WINDOWS, limits, T0 + 10_000)).isTrue();
    assertThat(counts.take(WINDOWS, limits, T0 + 59_999)).isFalse();
    assertThat(counts.endMillis(0, WINDOWS)).isEqualTo(T0 + MINUTE);

    // 2.5 windows later: the window that began at T0 + 2 min, not one starting now
    assertThat(counts.take(WINDOWS, limits, T0 + 150_000)).isTrue();
    assertThat(counts.endMillis(0, WINDOWS)).isEqualTo(T0 + 3 * MINUTE);
    assertThat(counts.used(0)).isEqualTo(1);
    assertThat(counts.used(1)).isEqualTo(3);
  }

  @Test
  void aRefusalTakesNothingFromAnyBand() {
    BandWindows counts = BandWindows.fresh(2);
    int[] limits = {10, 1};

    assertThat(counts.take(WINDOWS, limits, T0)).isTrue();
    assertThat(counts.take(WINDOWS, limits, T0 + 1)).isFalse();

    assertThat(counts.used(0)).isEqualTo(1);
    assertThat(counts.used(1)).isEqualTo(1);
  }

  @Test
  void storedCountsReadBackAsTheyWereAndAnotherShapeStartsFresh() {
    BandWindows counts = BandWindows.fresh(2);
    counts.take(WINDOWS, new int[] {5, 5}, T0);

    BandWindows back = BandWindows.parse(counts.stored(), 2);
    assertThat(back.used(0)).isEqualTo(1);
    assertThat(back.endMillis(1, WINDOWS)).isEqualTo(T0 + HOUR);

    BandWindows otherShape = BandWindows.parse(counts.stored(), 3);
    assertThat(otherShape.used(0)).isZero();
  }
}
