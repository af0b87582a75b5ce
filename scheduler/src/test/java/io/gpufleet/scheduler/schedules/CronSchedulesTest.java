package io.gpufleet.scheduler.schedules;

import static io.gpufleet.scheduler.schedules.Schedules.schedule;
import static java.time.DayOfWeek.FRIDAY;
import static java.time.DayOfWeek.MONDAY;
import static java.time.DayOfWeek.SATURDAY;
import static java.time.DayOfWeek.SUNDAY;
import static java.time.DayOfWeek.WEDNESDAY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.spi.OperableTrigger;

class CronSchedulesTest {

  @Test
  void daysAreWrittenAsNamesSoQuartzNumberingNeverMatters() {
    assertThat(CronSchedules.cronExpression(LocalTime.of(7, 5), Set.of(SUNDAY, MONDAY, WEDNESDAY)))
        .isEqualTo("0 5 7 ? * MON,WED,SUN");
  }

  @Test
  void mondayInTheApiFiresOnAMondayInQuartz() {
    CronTrigger trigger =
        CronSchedules.trigger(
            schedule("09:15", null, "Europe/Berlin", MONDAY), NextAction.Action.START);

    Instant next = firstFireAfter(trigger, Instant.parse("2026-06-03T12:00:00Z")); // a Wednesday

    ZonedDateTime local = next.atZone(ZoneId.of("Europe/Berlin"));
    assertThat(local.getDayOfWeek()).isEqualTo(MONDAY);
    assertThat(local.toLocalDateTime()).hasToString("2026-06-08T09:15");
  }

  @Test
  void triggersFireInTheSchedulesZone() {
    CronTrigger trigger =
        CronSchedules.trigger(
            schedule(null, "18:00", "America/New_York", FRIDAY), NextAction.Action.STOP);

    assertThat(trigger.getTimeZone().getID()).isEqualTo("America/New_York");
    assertThat(firstFireAfter(trigger, Instant.parse("2026-06-01T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-06-05T22:00:00Z"));
  }

  @Test
  void anOvernightWindowStopsOnTheNextDayWrappingSundayToMonday() {
    ServerSchedule overnight = schedule("22:00", "06:00", "UTC", FRIDAY, SUNDAY);

    assertThat(CronSchedules.stopDays(overnight)).containsExactlyInAnyOrder(SATURDAY, MONDAY);
    assertThat(CronSchedules.trigger(overnight, NextAction.Action.STOP).getCronExpression())
        .isEqualTo("0 0 6 ? * MON,SAT");
  }

  @Test
  void aSameDayWindowStopsOnItsOwnDays() {
    assertThat(CronSchedules.stopDays(schedule("08:00", "18:00", "UTC", DayOfWeek.TUESDAY)))
        .containsExactly(DayOfWeek.TUESDAY);
  }

  @Test
  void missedTriggersFireOnceAsSoonAsTheSchedulerIsBack() {
    CronTrigger trigger =
        CronSchedules.trigger(schedule("08:00", "18:00", "UTC", MONDAY), NextAction.Action.STOP);

    assertThat(trigger.getMisfireInstruction())
        .isEqualTo(CronTrigger.MISFIRE_INSTRUCTION_FIRE_ONCE_NOW);
  }

  @Test
  void keysAndDataNameTheServerAndTheAction() {
    ServerSchedule schedule = schedule("08:00", "18:00", "UTC", MONDAY);

    CronTrigger start = CronSchedules.trigger(schedule, NextAction.Action.START);

    assertThat(start.getKey().getGroup()).isEqualTo("server-schedules");
    assertThat(start.getKey().getName()).isEqualTo(schedule.serverId() + "-start");
    assertThat(start.getJobKey()).isEqualTo(CronSchedules.jobKey(schedule.serverId()));
    assertThat(start.getJobDataMap().getString(CronSchedules.ACTION)).isEqualTo("START");
  }

  private static Instant firstFireAfter(CronTrigger trigger, Instant after) {
    OperableTrigger operable = (OperableTrigger) trigger;
    operable.setStartTime(Date.from(after));
    return operable.computeFirstFireTime(null).toInstant();
  }
}
