package io.gpufleet.scheduler.schedules;

import io.gpufleet.persistence.schedules.PowerSchedule;
import io.gpufleet.persistence.schedules.PowerScheduleRepository;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Servers' power schedules: the row and its Quartz triggers, changed together in one transaction.
 * The next action is read back from Quartz, so it shows what will really fire.
 */
@Service
public class ScheduleService {

  private final PowerScheduleRepository schedules;
  private final ServerRepository servers;
  private final ScheduleTriggers triggers;
  private final Clock clock;

  ScheduleService(
      PowerScheduleRepository schedules,
      ServerRepository servers,
      ScheduleTriggers triggers,
      ObjectProvider<Clock> clock) {
    this.schedules = schedules;
    this.servers = servers;
    this.triggers = triggers;
    this.clock = clock.getIfAvailable(Clock::systemUTC);
  }

  @Transactional(readOnly = true)
  public Optional<ServerSchedule> get(UUID serverId) {
    return schedules.findById(serverId).map(ScheduleService::view);
  }

  /**
   * Creates or replaces the server's schedule and its triggers.
   *
   * @throws ScheduleInvalidException with the wrong fields
   * @throws UnknownServerException when there is no such (live) server
   */
  @Transactional
  public ServerSchedule put(UUID serverId, ScheduleCommand cmd) {
    ScheduleValidator.Valid valid = ScheduleValidator.validate(cmd);
    servers
        .findById(serverId)
        .filter(s -> s.getStatus() != ServerStatus.DESTROYED)
        .orElseThrow(() -> new UnknownServerException(serverId));
    Instant now = clock.instant();
    PowerSchedule row =
        schedules.findById(serverId).orElseGet(() -> new PowerSchedule(serverId, now));
    row.change(
        cmd.autoStart(),
        cmd.autoStop(),
        minutes(cmd.startTime()),
        minutes(cmd.stopTime()),
        valid.timezone().getId(),
        valid.weekdays(),
        now);
    ServerSchedule schedule = view(schedules.saveAndFlush(row));
    triggers.replace(schedule);
    return schedule;
  }

  /** Removes the schedule and its triggers; nothing happens when there is none. */
  @Transactional
  public void delete(UUID serverId) {
    schedules.findById(serverId).ifPresent(schedules::delete);
    triggers.remove(serverId);
  }

  /** The earliest next firing among the server's Quartz triggers. */
  public Optional<NextAction> nextAction(UUID serverId) {
    return triggers.next(serverId);
  }

  /**
   * When the schedule keeps the server up in the 7 days from {@code weekStart} (midnight in the
   * schedule's timezone), for a console's week view. Empty without a schedule, or when it does not
   * both start and stop the server.
   */
  @Transactional(readOnly = true)
  public List<UpTime> weekView(UUID serverId, LocalDate weekStart) {
    return get(serverId).map(s -> UpWindows.weekView(s, weekStart)).orElse(List.of());
  }

  /**
   * What the server's schedule says at {@code now}: whether it keeps the server up (a start's
   * window is open) and when it starts it next (within a week). Without a schedule: neither.
   */
  @Transactional(readOnly = true)
  public Outlook outlook(UUID serverId, Instant now) {
    return get(serverId)
        .map(
            s -> {
              boolean up = UpWindows.decideStart(s, now).start();
              List<Instant> starts =
                  s.autoStart()
                      ? UpWindows.fireTimes(
                          s, NextAction.Action.START, now, now.plus(java.time.Duration.ofDays(8)))
                      : List.of();
              return new Outlook(up, starts.isEmpty() ? null : starts.get(0));
            })
        .orElse(Outlook.NONE);
  }

  /**
   * A schedule's say about a server at one instant.
   *
   * @param upNow the schedule keeps it up now: nothing may stop it
   * @param nextStart the schedule's next start, if it has one within a week
   */
  public record Outlook(boolean upNow, @Nullable Instant nextStart) {
    static final Outlook NONE = new Outlook(false, null);
  }

  private static @Nullable LocalTime minutes(@Nullable LocalTime time) {
    return time == null ? null : ScheduleValidator.truncate(time);
  }

  static ServerSchedule view(PowerSchedule row) {
    return new ServerSchedule(
        row.getServerId(),
        row.isAutoStart(),
        row.isAutoStop(),
        row.getStartTime(),
        row.getStopTime(),
        ZoneId.of(row.getTimezone()),
        row.getWeekdays(),
        row.getCreatedAt(),
        row.getUpdatedAt());
  }
}
