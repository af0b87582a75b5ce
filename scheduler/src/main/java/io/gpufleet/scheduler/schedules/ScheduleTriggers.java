package io.gpufleet.scheduler.schedules;

import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.springframework.scheduling.SchedulingException;
import org.springframework.stereotype.Component;

/**
 * A schedule's Quartz side: per server one durable job with a start and a stop cron trigger. The
 * JDBC job store joins the caller's Spring transaction, so a row and its triggers commit together.
 */
@Component
final class ScheduleTriggers {

  private final Scheduler scheduler;

  ScheduleTriggers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Replaces whatever Quartz holds for the server with the schedule's triggers. */
  void replace(ServerSchedule schedule) {
    Set<Trigger> triggers = new LinkedHashSet<>();
    if (schedule.autoStart()) {
      triggers.add(CronSchedules.trigger(schedule, NextAction.Action.START));
    }
    if (schedule.autoStop()) {
      triggers.add(CronSchedules.trigger(schedule, NextAction.Action.STOP));
    }
    try {
      JobKey key = CronSchedules.jobKey(schedule.serverId());
      deleteJob(key);
      if (!triggers.isEmpty()) {
        JobDetail job =
            JobBuilder.newJob(ScheduledPowerJob.class)
                .withIdentity(key)
                .withDescription("Scheduled start and stop of server " + schedule.serverId())
                .usingJobData(CronSchedules.SERVER_ID, schedule.serverId().toString())
                .storeDurably()
                .build();
        scheduler.scheduleJob(job, triggers, true);
      }
    } catch (SchedulerException e) {
      throw new SchedulingException("Could not store the triggers of " + schedule.serverId(), e);
    }
  }

  void remove(UUID serverId) {
    try {
      deleteJob(CronSchedules.jobKey(serverId));
    } catch (SchedulerException e) {
      throw new SchedulingException("Could not remove the triggers of " + serverId, e);
    }
  }

  /**
   * Deletes the job and its triggers. Quartz fails the delete when a trigger vanishes under it (a
   * one-shot trigger completing at that moment); the second attempt no longer sees it.
   */
  private void deleteJob(JobKey key) throws SchedulerException {
    try {
      scheduler.deleteJob(key);
    } catch (SchedulerException e) {
      scheduler.deleteJob(key);
    }
  }

  /** The earliest next firing among the server's triggers, as Quartz has it. */
  Optional<NextAction> next(UUID serverId) {
    try {
      NextAction next = null;
      for (Trigger trigger : scheduler.getTriggersOfJob(CronSchedules.jobKey(serverId))) {
        Date fireTime = trigger.getNextFireTime();
        String action = trigger.getJobDataMap().getString(CronSchedules.ACTION);
        if (fireTime == null || action == null) {
          continue;
        }
        if (next == null || fireTime.toInstant().isBefore(next.scheduledTime())) {
          next = new NextAction(NextAction.Action.valueOf(action), fireTime.toInstant());
        }
      }
      return Optional.ofNullable(next);
    } catch (SchedulerException e) {
      throw new SchedulingException("Could not read the triggers of " + serverId, e);
    }
  }
}
