package io.gpufleet.scheduler.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.schedules.PowerScheduleRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quartz.CronTrigger;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/** Schedules on the shared context: rows and Quartz triggers in the clustered JDBC store. */
class ScheduleServiceIT extends SchedulerIntegrationTest {

  @Autowired ScheduleService schedules;
  @Autowired PowerScheduleRepository rows;
  @Autowired ServerRepository servers;
  @Autowired Scheduler scheduler;
  @Autowired JdbcTemplate jdbc;

  private final List<UUID> created = new ArrayList<>();

  UUID newServer() {
    Server server =
        new Server(
            "schedule-it-" + UUID.randomUUID(),
            "static",
            new ServerSpec(null, 1, null, null, 40, null, null, null, null),
            Instant.now());
    UUID id = servers.saveAndFlush(server).getId();
    created.add(id);
    return id;
  }

  @AfterEach
  void cleanUp() {
    for (UUID id : created) {
      schedules.delete(id);
      servers.deleteById(id);
    }
  }

  @Test
  void theNextActionIsReadFromQuartzAndMatchesTheScheduleInItsZone() {
    UUID id = newServer();
    ZoneId zone = ZoneId.of("Asia/Kathmandu"); // +05:45, no daylight saving time
    LocalDate inTwoDays = LocalDate.now(zone).plusDays(2);

    schedules.put(
        id,
        new ScheduleCommand(
            true,
            true,
            LocalTime.of(10, 30),
            LocalTime.of(12, 45),
            zone.getId(),
            Set.of(inTwoDays.getDayOfWeek().getValue())));

    Instant expected = ZonedDateTime.of(inTwoDays, LocalTime.of(10, 30), zone).toInstant();
    assertThat(schedules.nextAction(id))
        .contains(new NextAction(NextAction.Action.START, expected));
  }

  @Test
  void anOvernightWindowStopsTheDayAfterItOpens() {
    UUID id = newServer();
    // a fixed-offset IANA zone where it is late morning now, so that 14:00 today is ahead
    int utcHour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
    int offset = Math.floorMod(11 - utcHour + 12, 24) - 12;
    ZoneId zone = ZoneId.of(offset >= 0 ? "Etc/GMT-" + offset : "Etc/GMT+" + -offset);
    LocalDate today = LocalDate.now(zone);
    // the window opened yesterday at 22:00 and closes today at 14:00
    schedules.put(
        id,
        new ScheduleCommand(
            true,
            true,
            LocalTime.of(22, 0),
            LocalTime.of(14, 0),
            zone.getId(),
            Set.of(today.minusDays(1).getDayOfWeek().getValue())));

    Instant stop = ZonedDateTime.of(today, LocalTime.of(14, 0), zone).toInstant();
    assertThat(schedules.nextAction(id)).contains(new NextAction(NextAction.Action.STOP, stop));
  }

  @Test
  void theRowAndTheTriggersLiveInTheClusteredJdbcStore() {
    UUID id = newServer();
    schedules.put(
        id,
        new ScheduleCommand(
            true, true, LocalTime.of(8, 0), LocalTime.of(18, 0), "Europe/Berlin", Set.of(1, 5)));

    assertThat(rows.findById(id)).isPresent();
    assertThat(
            jdbc.queryForList(
                "select t.trigger_name, c.cron_expression, c.time_zone_id"
                    + " from qrtz_triggers t join qrtz_cron_triggers c"
                    + " on c.sched_name = t.sched_name and c.trigger_name = t.trigger_name"
                    + " and c.trigger_group = t.trigger_group"
                    + " where t.trigger_group = 'server-schedules' and t.job_name = ?"
                    + " order by t.trigger_name",
                id.toString()))
        .containsExactly(
            Map.of(
                "trigger_name", id + "-start",
                "cron_expression", "0 0 8 ? * MON,FRI",
                "time_zone_id", "Europe/Berlin"),
            Map.of(
                "trigger_name", id + "-stop",
                "cron_expression", "0 0 18 ? * MON,FRI",
                "time_zone_id", "Europe/Berlin"));
    assertThat(
            jdbc.queryForObject(
                "select is_durable from qrtz_job_details where job_group = 'server-schedules'"
                    + " and job_name = ?",
                Boolean.class,
                id.toString()))
        .isTrue();
    assertThat(jdbc.queryForObject("select count(*) from qrtz_scheduler_state", Integer.class))
        .isPositive();
  }

  @Test
  void changingAScheduleReplacesItsTriggers() throws Exception {
    UUID id = newServer();
    schedules.put(
        id,
        new ScheduleCommand(
            true, true, LocalTime.of(8, 0), LocalTime.of(18, 0), "UTC", Set.of(1, 2, 3)));

    schedules.put(
        id, new ScheduleCommand(true, false, LocalTime.of(9, 15), null, "UTC", Set.of(6)));

    List<? extends Trigger> triggers = scheduler.getTriggersOfJob(CronSchedules.jobKey(id));
    assertThat(triggers).hasSize(1);
    assertThat(((CronTrigger) triggers.get(0)).getCronExpression()).isEqualTo("0 15 9 ? * SAT");
    assertThat(schedules.nextAction(id))
        .get()
        .extracting(NextAction::action)
        .isEqualTo(NextAction.Action.START);
    assertThat(schedules.get(id).orElseThrow().stopTime()).isNull();
  }

  @Test
  void switchingBothFlagsOffKeepsTheRowButNoTriggers() throws Exception {
    UUID id = newServer();
    schedules.put(
        id,
        new ScheduleCommand(true, true, LocalTime.of(8, 0), LocalTime.of(18, 0), "UTC", Set.of(1)));

    schedules.put(
        id,
        new ScheduleCommand(
            false, false, LocalTime.of(8, 0), LocalTime.of(18, 0), "UTC", Set.of(1)));

    assertThat(schedules.get(id)).get().extracting(ServerSchedule::autoStart).isEqualTo(false);
    assertThat(scheduler.checkExists(CronSchedules.jobKey(id))).isFalse();
    assertThat(schedules.nextAction(id)).isEmpty();
  }

  @Test
  void deletingRemovesTheRowAndTheTriggers() throws Exception {
    UUID id = newServer();
    schedules.put(
        id,
        new ScheduleCommand(true, true, LocalTime.of(8, 0), LocalTime.of(18, 0), "UTC", Set.of(1)));

    schedules.delete(id);

    assertThat(schedules.get(id)).isEmpty();
    assertThat(scheduler.checkExists(CronSchedules.jobKey(id))).isFalse();
    assertThat(
            jdbc.queryForObject(
                "select count(*) from qrtz_triggers where job_name = ?",
                Integer.class,
                id.toString()))
        .isZero();
    assertThat(schedules.nextAction(id)).isEmpty();
  }

  @Test
  void theWeekViewComesFromTheStoredSchedule() {
    UUID id = newServer();
    schedules.put(
        id,
        new ScheduleCommand(true, true, LocalTime.of(9, 0), LocalTime.of(17, 0), "UTC", Set.of(3)));

    assertThat(schedules.weekView(id, LocalDate.parse("2026-06-01")))
        .containsExactly(
            new UpTime(
                Instant.parse("2026-06-03T09:00:00Z"), Instant.parse("2026-06-03T17:00:00Z")));
    assertThat(schedules.weekView(UUID.randomUUID(), LocalDate.parse("2026-06-01"))).isEmpty();
  }

  @Nested
  class Refuses {

    @Test
    void anInvalidScheduleAndStoresNothing() {
      UUID id = newServer();

      assertThatThrownBy(
              () ->
                  schedules.put(
                      id,
                      new ScheduleCommand(true, true, null, LocalTime.NOON, "Nowhere", Set.of(9))))
          .isInstanceOfSatisfying(
              ScheduleInvalidException.class,
              e ->
                  assertThat(e.fieldErrors())
                      .containsOnlyKeys("timezone", "weekdays", "startTime"));
      assertThat(rows.findById(id)).isEmpty();
      assertThat(schedules.nextAction(id)).isEmpty();
    }

    @Test
    void aScheduleForAnUnknownServer() {
      UUID unknown = UUID.randomUUID();

      assertThatThrownBy(
              () ->
                  schedules.put(
                      unknown,
                      new ScheduleCommand(
                          true, true, LocalTime.of(8, 0), LocalTime.NOON, "UTC", Set.of(1))))
          .isInstanceOf(UnknownServerException.class);
      assertThat(schedules.nextAction(unknown)).isEmpty();
    }
  }
}
