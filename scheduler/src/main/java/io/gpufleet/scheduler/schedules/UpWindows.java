package io.gpufleet.scheduler.schedules;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The windows in which a schedule keeps a server up, computed with java.time in the schedule's
 * zone. A wall-clock time that does not exist (the hour skipped when clocks go forward) moves
 * forward by the length of the gap; a time that exists twice (clocks go back) means its first
 * occurrence. That is {@link ZonedDateTime#of}'s rule, and Quartz fires the same way.
 */
final class UpWindows {

  /** A start that fires this much before its window (clock skew between nodes) still counts. */
  static final Duration EARLY_TOLERANCE = Duration.ofMinutes(1);

  private UpWindows() {}

  /** Whether a scheduled start that fires now should start the server, and why. */
  record StartDecision(boolean start, String reason) {}

  /**
   * The window opened on {@code day}, if the schedule opens one that day. Only a schedule with both
   * a start and a stop has windows.
   */
  static Optional<UpTime> window(ServerSchedule schedule, LocalDate day) {
    LocalTime start = schedule.startTime();
    LocalTime stop = schedule.stopTime();
    if (start == null || stop == null || !schedule.weekdays().contains(day.getDayOfWeek())) {
      return Optional.empty();
    }
    LocalDate stopDay = schedule.overnight() ? day.plusDays(1) : day;
    Instant from = ZonedDateTime.of(day, start, schedule.timezone()).toInstant();
    Instant to = ZonedDateTime.of(stopDay, stop, schedule.timezone()).toInstant();
    if (!from.isBefore(to)) {
      // e.g. 02:10 to 02:50 on the day the clocks skip 02:00-03:00: no time is left to be up
      return Optional.empty();
    }
    return Optional.of(new UpTime(from, to));
  }

  /**
   * Decides a start trigger's firing at {@code now}. On time it starts. When it fires late (a
   * misfire after downtime) it starts only while now is still inside a window, so a server is not
   * started after its stop time has passed. Without a stop nothing closes the window, so a late
   * start still starts.
   */
  static StartDecision decideStart(ServerSchedule schedule, Instant now) {
    if (!schedule.autoStart()) {
      return new StartDecision(false, "autoStart is off");
    }
    if (!schedule.autoStop() || schedule.stopTime() == null) {
      return new StartDecision(true, "no stop time closes the window");
    }
    LocalDate today = now.atZone(schedule.timezone()).toLocalDate();
    // yesterday's overnight window may still be open; tomorrow's may open within the tolerance
    for (LocalDate day = today.minusDays(1);
        !day.isAfter(today.plusDays(1));
        day = day.plusDays(1)) {
      Optional<UpTime> window = window(schedule, day);
      if (window.isPresent()
          && !now.isBefore(window.get().from().minus(EARLY_TOLERANCE))
          && now.isBefore(window.get().to())) {
        return new StartDecision(
            true, "inside the window " + window.get().from() + " to " + window.get().to());
      }
    }
    return new StartDecision(
        false,
        "now ("
            + now.atZone(schedule.timezone()).toLocalDateTime()
            + " "
            + schedule.timezone()
            + ") is outside every scheduled window; the start was missed and its window has passed");
  }

  /**
   * The up times of the week of 7 days from {@code weekStart} (midnight in the schedule's zone),
   * clipped to the week. Only a schedule that both starts and stops the server has windows.
   */
  static List<UpTime> weekView(ServerSchedule schedule, LocalDate weekStart) {
    List<UpTime> upTimes = new ArrayList<>();
    if (!schedule.autoStart() || !schedule.autoStop()) {
      return upTimes;
    }
    Instant weekFrom = weekStart.atStartOfDay(schedule.timezone()).toInstant();
    Instant weekTo = weekStart.plusDays(7).atStartOfDay(schedule.timezone()).toInstant();
    // the day before the week too: its overnight window reaches into Monday morning
    for (int i = -1; i < 7; i++) {
      window(schedule, weekStart.plusDays(i))
          .ifPresent(
              w -> {
                Instant from = w.from().isBefore(weekFrom) ? weekFrom : w.from();
                Instant to = w.to().isAfter(weekTo) ? weekTo : w.to();
                if (from.isBefore(to)) {
                  upTimes.add(new UpTime(from, to));
                }
              });
    }
    return upTimes;
  }
}
