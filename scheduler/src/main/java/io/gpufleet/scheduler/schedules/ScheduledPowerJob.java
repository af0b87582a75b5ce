package io.gpufleet.scheduler.schedules;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Fires a server's scheduled start or stop. Quartz creates it through Boot's {@code
 * SpringBeanJobFactory}, which autowires the constructor. A stop always stops, however late; a
 * start first checks that its window is still open ({@link UpWindows#decideStart}) and that the
 * lifecycle does not refuse it.
 */
@DisallowConcurrentExecution
final class ScheduledPowerJob implements Job {

  private static final Logger log = LoggerFactory.getLogger(ScheduledPowerJob.class);

  private final ScheduleService schedules;
  private final ObjectProvider<ScheduledPowerActions> actions;
  private final Clock clock;

  ScheduledPowerJob(
      ScheduleService schedules,
      ObjectProvider<ScheduledPowerActions> actions,
      ObjectProvider<Clock> clock) {
    this.schedules = schedules;
    this.actions = actions;
    this.clock = clock.getIfAvailable(Clock::systemUTC);
  }

  @Override
  public void execute(JobExecutionContext context) {
    JobDataMap data = context.getMergedJobDataMap();
    UUID serverId = UUID.fromString(data.getString(CronSchedules.SERVER_ID));
    NextAction.Action action = NextAction.Action.valueOf(data.getString(CronSchedules.ACTION));
    ScheduledPowerActions target = actions.getIfAvailable();
    if (target == null) {
      log.warn(
          "Scheduled {} of server {} skipped: nothing implements ScheduledPowerActions",
          action,
          serverId);
      return;
    }
    try {
      if (action == NextAction.Action.STOP) {
        log.info("Scheduled stop of server {}", serverId);
        target.scheduledStop(serverId);
      } else {
        start(serverId, target);
      }
    } catch (RuntimeException e) {
      // not refired: the next trigger time comes, and the lifecycle has its own retries
      log.error("Scheduled {} of server {} failed", action, serverId, e);
    }
  }

  private void start(UUID serverId, ScheduledPowerActions target) {
    Optional<ServerSchedule> schedule = schedules.get(serverId);
    if (schedule.isEmpty()) {
      log.info("Scheduled start of server {} skipped: it has no schedule any more", serverId);
      return;
    }
    UpWindows.StartDecision decision = UpWindows.decideStart(schedule.get(), clock.instant());
    if (!decision.start()) {
      log.info("Scheduled start of server {} skipped: {}", serverId, decision.reason());
      return;
    }
    @Nullable String refusal = target.refuseScheduledStart(serverId).orElse(null);
    if (refusal != null) {
      log.info("Scheduled start of server {} refused: {}", serverId, refusal);
      return;
    }
    log.info("Scheduled start of server {} ({})", serverId, decision.reason());
    target.scheduledStart(serverId);
  }
}
