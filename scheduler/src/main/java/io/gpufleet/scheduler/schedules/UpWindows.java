package io.gpufleet.scheduler.schedules;

import java.text.ParseException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;
import org.quartz.CronExpression;

/**
 * When a schedule keeps a server up. Computed from the very cron expressions the triggers use, so
 * that the week view and the misfire decision agree with what Quartz fires, daylight saving time
 * included: a wall-clock time inside the hour skipped in spring does not fire that day, and a time
 * inside the hour repeated in autumn fires once, at its second occurrence.
 *
 * <p>The rule: a server is scheduled up from a start until the next stop. Without stops a start
 * keeps it up for good; without starts it is never scheduled up.
 */
final class UpWindows {

  /** A start that fires this much before its time (clock skew between nodes) still counts. */
  static final Duration EARLY_TOLERANCE = Duration.ofMinutes(1);

  /** Every weekly schedule fires within this much of any instant, if it fires at all. */
  private static final Duration LOOK_BACK = Duration.ofDays(8);

  private UpWindows() {}

  /** Whether a scheduled start that fires now should start the server, and why. */
  record StartDecision(boolean start, String reason) {}

  private record Event(Instant at, NextAction.Action action) {}

  /**
   * Decides a start trigger's firing at {@code now}. On time it starts. When it fires late (a
   * misfire after downtime, fired once on recovery) it starts only while its window is still open,
   * that is when no scheduled stop has come since the latest scheduled start.
   */
  static StartDecision decideStart(ServerSchedule schedule, Instant now) {
    if (!schedule.autoStart()) {
      return new StartDecision(false, "autoStart is off");
    }
    Instant lastStart =
        last(schedule, NextAction.Action.START, now.minus(LOOK_BACK), now.plus(EARLY_TOLERANCE));
    if (lastStart == null) {
      return new StartDecision(false, "no start was due in the last week");
    }
    Instant lastStop =
        schedule.autoStop()
            ? last(schedule, NextAction.Action.STOP, now.minus(LOOK_BACK), now)
            : null;
    if (lastStop == null) {
      return new StartDecision(true, "the start due at " + lastStart + " has no stop after it");
    }
    if (lastStart.isAfter(lastStop)) {
      return new StartDecision(
          true, "the window opened at " + lastStart + " is open until the next stop");
    }
    return new StartDecision(
        false,
        "the start due at "
            + lastStart
            + " was missed and its window closed at "
            + lastStop
            + "; it is "
            + now);
  }

  /**
   * The up times in the 7 days from {@code weekStart} (midnight in the schedule's zone), clipped to
   * the week, in order.
   */
  static List<UpTime> weekView(ServerSchedule schedule, LocalDate weekStart) {
    Instant weekFrom = weekStart.atStartOfDay(schedule.timezone()).toInstant();
    Instant weekTo = weekStart.plusDays(7).atStartOfDay(schedule.timezone()).toInstant();
    List<Event> events = new ArrayList<>();
    if (schedule.autoStart()) {
      fireTimes(schedule, NextAction.Action.START, weekFrom.minus(LOOK_BACK), weekTo)
          .forEach(t -> events.add(new Event(t, NextAction.Action.START)));
    }
    if (schedule.autoStop()) {
      fireTimes(schedule, NextAction.Action.STOP, weekFrom.minus(LOOK_BACK), weekTo)
          .forEach(t -> events.add(new Event(t, NextAction.Action.STOP)));
    }
    // at one instant a stop comes first, so that a start then is not swallowed
    events.sort(
        Comparator.comparing(Event::at).thenComparing(e -> e.action() == NextAction.Action.START));

    List<UpTime> upTimes = new ArrayList<>();
    Instant upSince = null;
    for (Event event : events) {
      if (event.action() == NextAction.Action.START && upSince == null) {
        upSince = event.at();
      } else if (event.action() == NextAction.Action.STOP && upSince != null) {
        add(upTimes, upSince, event.at(), weekFrom, weekTo);
        upSince = null;
      }
    }
    if (upSince != null) {
      add(upTimes, upSince, weekTo, weekFrom, weekTo);
    }
    return upTimes;
  }

  private static void add(
      List<UpTime> upTimes, Instant from, Instant to, Instant weekFrom, Instant weekTo) {
    Instant clippedFrom = from.isBefore(weekFrom) ? weekFrom : from;
    Instant clippedTo = to.isAfter(weekTo) ? weekTo : to;
    if (clippedFrom.isBefore(clippedTo)) {
      upTimes.add(new UpTime(clippedFrom, clippedTo));
    }
  }

  private static @Nullable Instant last(
      ServerSchedule schedule, NextAction.Action action, Instant after, Instant notAfter) {
    List<Instant> times = fireTimes(schedule, action, after, notAfter);
    return times.isEmpty() ? null : times.get(times.size() - 1);
  }

  /** The action's fire times in (after, notAfter], as Quartz computes them. */
  static List<Instant> fireTimes(
      ServerSchedule schedule, NextAction.Action action, Instant after, Instant notAfter) {
    LocalTime time = action == NextAction.Action.START ? schedule.startTime() : schedule.stopTime();
    Set<DayOfWeek> days =
        action == NextAction.Action.START ? schedule.weekdays() : CronSchedules.stopDays(schedule);
    List<Instant> times = new ArrayList<>();
    if (time == null || days.isEmpty()) {
      return times;
    }
    CronExpression cron = cron(CronSchedules.cronExpression(time, days), schedule);
    Date next = cron.getTimeAfter(Date.from(after));
    while (next != null && !next.toInstant().isAfter(notAfter)) {
      times.add(next.toInstant());
      next = cron.getTimeAfter(next);
    }
    return times;
  }

  private static CronExpression cron(String expression, ServerSchedule schedule) {
    try {
      CronExpression cron = new CronExpression(expression);
      cron.setTimeZone(TimeZone.getTimeZone(schedule.timezone()));
      return cron;
    } catch (ParseException e) {
      throw new IllegalStateException("Not a cron expression: " + expression, e);
    }
  }
}
