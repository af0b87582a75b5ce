package io.gpufleet.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DemandProfileTest {

  static final Instant MONDAY = Instant.parse("2026-06-01T00:00:00Z");

  @Test
  void learnsTheUsualRateOfEachWeekdayAndHour() {
    List<Instant> arrivals = new ArrayList<>();
    for (int week = 0; week < 2; week++) {
      Instant tuesdayNine = MONDAY.plus(Duration.ofDays(7L * week + 1)).plus(Duration.ofHours(9));
      for (int s = 0; s < 3600; s += 20) { // 3 a minute
        arrivals.add(tuesdayNine.plusSeconds(s));
      }
    }
    DemandProfile profile =
        DemandProfile.fromArrivals(
            arrivals, MONDAY, MONDAY.plus(Duration.ofDays(14)), ZoneOffset.UTC);
    Instant nextTuesdayNineThirty = MONDAY.plus(Duration.ofDays(15)).plus(Duration.ofMinutes(570));
    assertThat(profile.rateAt(nextTuesdayNineThirty) * 60).isCloseTo(3, within(0.01));
    assertThat(profile.rateAt(nextTuesdayNineThirty.plus(Duration.ofHours(1)))).isZero();
    assertThat(profile.rateAt(nextTuesdayNineThirty.plus(Duration.ofDays(1)))).isZero();
  }

  @Test
  void oneBurstDoesNotMakeItsHourLookBusy() {
    List<Instant> arrivals = new ArrayList<>();
    Instant tuesdayNine = MONDAY.plus(Duration.ofDays(1)).plus(Duration.ofHours(9));
    for (int i = 0; i < 300; i++) {
      arrivals.add(tuesdayNine.plusSeconds(5));
    }
    DemandProfile profile =
        DemandProfile.fromArrivals(
            arrivals, MONDAY, MONDAY.plus(Duration.ofDays(7)), ZoneOffset.UTC);
    // 300 jobs in one minute would be 5 a minute over the hour; capped, it counts as 3 in 60
    assertThat(profile.rateAt(tuesdayNine) * 60).isLessThan(0.1);
  }

  @Test
  void hoursAreThoseOfThePoolsTimezone() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    Instant nineInBerlin = Instant.parse("2026-06-02T07:00:00Z");
    List<Instant> arrivals = new ArrayList<>();
    for (int s = 0; s < 3600; s += 30) {
      arrivals.add(nineInBerlin.plusSeconds(s));
    }
    DemandProfile profile =
        DemandProfile.fromArrivals(arrivals, MONDAY, MONDAY.plus(Duration.ofDays(7)), berlin);
    assertThat(profile.rateAt(Instant.parse("2026-06-09T07:30:00Z")) * 60)
        .isCloseTo(2, within(0.01));
  }

  @Test
  void thePeakOfAWindowIncludesEveryHourItTouches() {
    List<Instant> arrivals = new ArrayList<>();
    Instant elevenMonday = MONDAY.plus(Duration.ofHours(11));
    for (int s = 0; s < 3600; s += 10) {
      arrivals.add(elevenMonday.plusSeconds(s));
    }
    DemandProfile profile =
        DemandProfile.fromArrivals(
            arrivals, MONDAY, MONDAY.plus(Duration.ofDays(7)), ZoneOffset.UTC);
    Instant nextMonday1050 = MONDAY.plus(Duration.ofDays(7)).plus(Duration.ofMinutes(650));
    assertThat(profile.peakRate(nextMonday1050, nextMonday1050.plus(Duration.ofMinutes(11))) * 60)
        .isCloseTo(6, within(0.01));
    assertThat(profile.peakRate(nextMonday1050, nextMonday1050.plus(Duration.ofMinutes(9))))
        .isZero();
  }
}
