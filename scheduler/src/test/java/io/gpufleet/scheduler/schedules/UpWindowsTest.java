package io.gpufleet.scheduler.schedules;

import static io.gpufleet.scheduler.schedules.Schedules.everyDay;
import static io.gpufleet.scheduler.schedules.Schedules.schedule;
import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.THURSDAY;
import static java.time.DayOfWeek.TUESDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UpWindowsTest {

  private static UpTime up(String from, String to) {
    return new UpTime(Instant.parse(from), Instant.parse(to));
  }

  @Nested
  class ScheduledStart {

    private final ServerSchedule daily = schedule("08:00", "18:00", "UTC", everyDay());

    private UpWindows.StartDecision at(ServerSchedule schedule, String now) {
      Clock clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
      return UpWindows.decideStart(schedule, clock.instant());
    }

    @Test
    void onTimeStarts() {
      assertThat(at(daily, "2026-06-01T08:00:00.250Z").start()).isTrue();
    }

    @Test
    void aFewSecondsEarlyOnASkewedNodeStillStarts() {
      assertThat(at(daily, "2026-06-01T07:59:30Z").start()).isTrue();
    }

    @Test
    void lateButBeforeTheStopStarts() {
      assertThat(at(daily, "2026-06-01T12:00:00Z").start()).isTrue();
    }

    @Test
    void lateAfterTheStopIsSkippedAndSaysWhy() {
      UpWindows.StartDecision decision = at(daily, "2026-06-01T19:00:00Z");

      assertThat(decision.start()).isFalse();
      assertThat(decision.reason()).contains("missed").contains("2026-06-01T18:00:00Z");
    }

    @Test
    void anOvernightWindowIsStillOpenAfterMidnight() {
      ServerSchedule fridayNight = schedule("22:00", "06:00", "Europe/Berlin", FRIDAY);

      // Saturday 2026-06-06 02:00 in Berlin
      assertThat(at(fridayNight, "2026-06-06T00:00:00Z").start()).isTrue();
    }

    @Test
    void anOvernightWindowIsClosedAfterItsMorningStop() {
      ServerSchedule fridayNight = schedule("22:00", "06:00", "Europe/Berlin", FRIDAY);

      // Saturday 2026-06-06 07:00 in Berlin
      assertThat(at(fridayNight, "2026-06-06T05:00:00Z").start()).isFalse();
      // Friday 21:00, the hour before the window
      assertThat(at(fridayNight, "2026-06-05T19:00:00Z").start()).isFalse();
    }

    @Test
    void aDayWithoutAWindowDoesNotStart() {
      ServerSchedule mondays = schedule("08:00", "18:00", "UTC", MONDAY);

      assertThat(at(mondays, "2026-06-02T12:00:00Z").start()).isFalse(); // a Tuesday
    }

    @Test
    void withoutAStopALateStartStillStarts() {
      ServerSchedule startOnly = schedule("08:00", null, "UTC", MONDAY);

      assertThat(at(startOnly, "2026-06-04T23:00:00Z").start()).isTrue();
    }

    @Test
    void autoStartOffNeverStarts() {
      ServerSchedule stopOnly = schedule(null, "18:00", "UTC", everyDay());

      assertThat(at(stopOnly, "2026-06-01T12:00:00Z").start()).isFalse();
    }
  }

  @Nested
  class WeekView {

    @Test
    void workdaysInBerlinSummer() {
      List<UpTime> week =
          UpWindows.weekView(
              schedule(
                  "08:00", "18:00", "Europe/Berlin", MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY),
              LocalDate.parse("2026-06-01"));

      assertThat(week)
          .containsExactly(
              up("2026-06-01T06:00:00Z", "2026-06-01T16:00:00Z"),
              up("2026-06-02T06:00:00Z", "2026-06-02T16:00:00Z"),
              up("2026-06-03T06:00:00Z", "2026-06-03T16:00:00Z"),
              up("2026-06-04T06:00:00Z", "2026-06-04T16:00:00Z"),
              up("2026-06-05T06:00:00Z", "2026-06-05T16:00:00Z"));
    }

    @Test
    void aSubsetOfWeekdays() {
      List<UpTime> week =
          UpWindows.weekView(
              schedule("09:00", "17:30", "UTC", TUESDAY, THURSDAY), LocalDate.parse("2026-06-01"));

      assertThat(week)
          .containsExactly(
              up("2026-06-02T09:00:00Z", "2026-06-02T17:30:00Z"),
              up("2026-06-04T09:00:00Z", "2026-06-04T17:30:00Z"));
    }

    @Test
    void overnightWindowsAcrossTheSpringDaylightSavingChangeInBerlin() {
      // clocks go from 02:00 CET to 03:00 CEST on Sunday 2026-03-29
      List<UpTime> week =
          UpWindows.weekView(
              schedule("22:00", "06:00", "Europe/Berlin", everyDay()),
              LocalDate.parse("2026-03-23"));

      assertThat(week)
          .hasSize(8)
          // last Sunday's window, from Monday's midnight (CET) on
          .startsWith(up("2026-03-22T23:00:00Z", "2026-03-23T05:00:00Z"))
          // this Sunday's, cut at the week's end (midnight CEST)
          .endsWith(up("2026-03-29T20:00:00Z", "2026-03-29T22:00:00Z"));
      assertThat(week.get(6)).isEqualTo(up("2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z"));
      assertThat(length(week.get(6))).isEqualTo(Duration.ofHours(7));
      assertThat(week.subList(1, 6)).allSatisfy(w -> assertThat(length(w)).hasHours(8));
    }

    @Test
    void aNightAcrossTheAutumnChangeInBerlinIsAnHourLonger() {
      // clocks go from 03:00 CEST back to 02:00 CET on Sunday 2026-10-25
      List<UpTime> week =
          UpWindows.weekView(
              schedule("22:00", "06:00", "Europe/Berlin", FRIDAY, SATURDAY),
              LocalDate.parse("2026-10-19"));

      assertThat(week)
          .containsExactly(
              up("2026-10-23T20:00:00Z", "2026-10-24T04:00:00Z"),
              up("2026-10-24T20:00:00Z", "2026-10-25T05:00:00Z"));
    }

    @Test
    void aStartInsideTheSkippedHourDoesNotFireThatDayAsQuartzBehaves() {
      List<UpTime> week =
          UpWindows.weekView(
              schedule("02:30", "05:00", "Europe/Berlin", everyDay()),
              LocalDate.parse("2026-03-23"));

      assertThat(week).hasSize(6);
      assertThat(week).noneMatch(w -> w.from().isAfter(Instant.parse("2026-03-28T23:00:00Z")));
    }

    @Test
    void aStartWithoutAStopKeepsTheServerUpAllWeek() {
      assertThat(
              UpWindows.weekView(
                  schedule("08:00", null, "UTC", WEDNESDAY), LocalDate.parse("2026-06-01")))
          .containsExactly(up("2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z"));
    }

    @Test
    void aStopWithoutAStartNeverKeepsItUp() {
      assertThat(
              UpWindows.weekView(
                  schedule(null, "18:00", "UTC", everyDay()), LocalDate.parse("2026-06-01")))
          .isEmpty();
    }

    private Duration length(UpTime upTime) {
      return Duration.between(upTime.from(), upTime.to());
    }
  }
}
