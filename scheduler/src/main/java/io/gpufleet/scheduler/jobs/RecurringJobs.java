package io.gpufleet.scheduler.jobs;

import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.accounting.BudgetGuard;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.pools.AutoscalerSettings;
import io.gpufleet.scheduler.pools.PoolAutoscaler;
import io.gpufleet.scheduler.servers.IdleStopper;
import io.gpufleet.scheduler.servers.Reconciler;
import java.time.Duration;
import java.util.Set;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.JobPersistenceException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Registers the fleet's recurring work in Quartz: reconcile, probe, look for idle servers, size the
 * autoscaled pools. The store is clustered, so with several replicas each tick runs in one of them.
 * An interval of zero removes the job.
 */
@Component
class RecurringJobs {

  private static final Logger log = LoggerFactory.getLogger(RecurringJobs.class);
  static final String GROUP = "fleet";

  private final Scheduler scheduler;
  private final SchedulerSettings settings;
  private final AutoscalerSettings autoscaler;

  RecurringJobs(Scheduler scheduler, SchedulerSettings settings, AutoscalerSettings autoscaler) {
    this.scheduler = scheduler;
    this.settings = settings;
    this.autoscaler = autoscaler;
  }

  @EventListener(ApplicationReadyEvent.class)
  void register() throws SchedulerException {
    schedule("reconcile", ReconcileJob.class, settings.reconcileInterval());
    schedule("probe", ProbeJob.class, settings.probeInterval());
    schedule("idle-stop", IdleStopJob.class, settings.idleCheckInterval());
    schedule(
        "autoscale",
        AutoscaleJob.class,
        autoscaler.enabled() ? autoscaler.interval() : Duration.ZERO);
  }

  private void schedule(String name, Class<? extends Job> job, Duration interval)
      throws SchedulerException {
    JobKey jobKey = JobKey.jobKey(name, GROUP);
    TriggerKey triggerKey = TriggerKey.triggerKey(name, GROUP);
    if (interval.isZero() || interval.isNegative()) {
      scheduler.deleteJob(jobKey);
      return;
    }
    Trigger trigger =
        TriggerBuilder.newTrigger()
            .withIdentity(triggerKey)
            .forJob(jobKey)
            .withSchedule(
                SimpleScheduleBuilder.simpleSchedule()
                    .withIntervalInMilliseconds(interval.toMillis())
                    .repeatForever()
                    // after downtime: one run now, not one per missed tick
                    .withMisfireHandlingInstructionNextWithRemainingCount())
            .build();
    // one call that replaces both: replicas booting together must not race a check-then-add
    JobDetail detail = JobBuilder.newJob(job).withIdentity(jobKey).storeDurably().build();
    for (int attempt = 1; ; attempt++) {
      try {
        scheduler.scheduleJob(detail, Set.of(trigger), true);
        break;
      } catch (JobPersistenceException e) {
        if (attempt == 3) {
          throw e;
        }
        log.warn("Registering recurring job {} failed ({}); trying again", name, e.toString());
        pause(attempt);
      }
    }
    log.debug("Recurring job {} every {}", name, interval);
  }

  private static void pause(int attempt) throws SchedulerException {
    try {
      Thread.sleep(500L * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchedulerException("Interrupted while registering recurring jobs", e);
    }
  }

  @DisallowConcurrentExecution
  static class ReconcileJob implements Job {
    private final Reconciler reconciler;

    ReconcileJob(Reconciler reconciler) {
      this.reconciler = reconciler;
    }

    @Override
    public void execute(JobExecutionContext context) {
      reconciler.reconcileAll();
    }
  }

  @DisallowConcurrentExecution
  static class ProbeJob implements Job {
    private final HealthProber prober;

    ProbeJob(HealthProber prober) {
      this.prober = prober;
    }

    @Override
    public void execute(JobExecutionContext context) {
      prober.probeAll();
    }
  }

  @DisallowConcurrentExecution
  static class IdleStopJob implements Job {
    private final IdleStopper idleStopper;
    private final BudgetGuard budget;

    IdleStopJob(IdleStopper idleStopper, BudgetGuard budget) {
      this.idleStopper = idleStopper;
      this.budget = budget;
    }

    @Override
    public void execute(JobExecutionContext context) {
      idleStopper.stopIdleServers();
      budget.enforce();
    }
  }

  @DisallowConcurrentExecution
  static class AutoscaleJob implements Job {
    private final PoolAutoscaler autoscaler;

    AutoscaleJob(PoolAutoscaler autoscaler) {
      this.autoscaler = autoscaler;
    }

    @Override
    public void execute(JobExecutionContext context) {
      autoscaler.runAll();
    }
  }
}
