package io.gpufleet.scheduler.schedules;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;
import java.util.stream.Collectors;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobKey;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;

/** Quartz cron triggers for a schedule: one for its starts, one for its stops. */
final class CronSchedules {

  static final String GROUP = "server-schedules";
  static final String SERVER_ID = "serverId";
  static final String ACTION = "action";

  private CronSchedules() {}

  static JobKey jobKey(UUID serverId) {
    return JobKey.jobKey(serverId.toString(), GROUP);
  }

  static TriggerKey triggerKey(UUID serverId, NextAction.Action action) {
    return TriggerKey.triggerKey(serverId + "-" + action.name().toLowerCase(Locale.ROOT), GROUP);
  }

  /**
   * A cron expression firing at {@code time} on {@code days}. Days are written as names (MON, TUE,
   * …) so that Quartz's own numbering, where 1 is Sunday, never comes into play.
   */
  static String cronExpression(LocalTime time, Set<DayOfWeek> days) {
    if (days.isEmpty()) {
      throw new IllegalArgumentException("A cron schedule needs at least one day");
    }
    String dayList =
        days.stream().sorted().map(d -> d.name().substring(0, 3)).collect(Collectors.joining(","));
    return "0 " + time.getMinute() + " " + time.getHour() + " ? * " + dayList;
  }

  /** The days a stop fires on: the day after the window opened when the window is overnight. */
  static Set<DayOfWeek> stopDays(ServerSchedule schedule) {
    if (!schedule.overnight()) {
      return schedule.weekdays();
    }
    return schedule.weekdays().stream()
        .map(d -> d.plus(1))
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(DayOfWeek.class)));
  }

  /**
   * The trigger for one action. A misfired trigger (the cluster was down at its time) fires once as
   * soon as it can; the job then decides whether a late start still makes sense.
   */
  static CronTrigger trigger(ServerSchedule schedule, NextAction.Action action) {
    LocalTime time = action == NextAction.Action.START ? schedule.startTime() : schedule.stopTime();
    if (time == null) {
      throw new IllegalArgumentException("No " + action + " time in " + schedule);
    }
    Set<DayOfWeek> days =
        action == NextAction.Action.START ? schedule.weekdays() : stopDays(schedule);
    return TriggerBuilder.newTrigger()
        .withIdentity(triggerKey(schedule.serverId(), action))
        .forJob(jobKey(schedule.serverId()))
        .usingJobData(ACTION, action.name())
        .withSchedule(
            CronScheduleBuilder.cronSchedule(cronExpression(time, days))
                .inTimeZone(TimeZone.getTimeZone(schedule.timezone()))
                .withMisfireHandlingInstructionFireAndProceed())
        .build();
  }
}
