package io.gpufleet.scheduler.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.impl.matchers.KeyMatcher;
import org.quartz.listeners.JobListenerSupport;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The job, fired now through Quartz with the same data its cron triggers carry, calls the
 * lifecycle's {@link ScheduledPowerActions}: never waiting for a real schedule time.
 */
class ScheduledPowerJobIT extends SchedulerIntegrationTest {

  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Autowired ScheduleService schedules;
  @Autowired ServerRepository servers;
  @Autowired Scheduler scheduler;
  @Autowired RecordingPowerActions actions;

  private UUID serverId;
  private JobKey jobKey;
  private final Executions executions = new Executions();

  @BeforeEach
  void aServerWithAJob() throws Exception {
    Server server =
        new Server(
            "job-it-" + UUID.randomUUID(),
            "static",
            new ServerSpec(null, 1, null, null, 40, null, null, null, null),
            Instant.now());
    serverId = servers.saveAndFlush(server).getId();
    jobKey = CronSchedules.jobKey(serverId);
    actions.watch(serverId);
    scheduler.getListenerManager().addJobListener(executions, KeyMatcher.keyEquals(jobKey));
  }

  @AfterEach
  void cleanUp() throws Exception {
    // a fired one-shot trigger is removed by Quartz just after the job ran; deleting the job
    // while that is under way fails, so let it finish first
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (scheduler.getTriggersOfJob(jobKey).stream()
            .anyMatch(t -> !t.getKey().getGroup().equals(CronSchedules.GROUP))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    scheduler.getListenerManager().removeJobListener(executions.getName());
    actions.forget(serverId);
    schedules.delete(serverId);
    servers.deleteById(serverId);
  }

  /** A window around now (UTC, every day), or one that closed an hour ago. */
  private void schedule(boolean openNow) {
    LocalTime now = LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalTime start = openNow ? now.minusHours(1) : now.minusHours(3);
    LocalTime stop = openNow ? now.plusHours(2) : now.minusHours(1);
    schedules.put(
        serverId, new ScheduleCommand(true, true, start, stop, "UTC", Set.of(1, 2, 3, 4, 5, 6, 7)));
  }

  private void fire(NextAction.Action action) throws Exception {
    JobDataMap data = new JobDataMap();
    data.put(CronSchedules.ACTION, action.name());
    scheduler.triggerJob(jobKey, data);
  }

  @Test
  void aStopFiredNowStopsTheServer() throws Exception {
    schedule(true);

    fire(NextAction.Action.STOP);

    assertThat(actions.next(serverId, PATIENCE))
        .isEqualTo(new RecordingPowerActions.Call(NextAction.Action.STOP, serverId));
  }

  @Test
  void aStopStillStopsWhenItsTimeIsLongPast() throws Exception {
    schedule(false);

    fire(NextAction.Action.STOP);

    assertThat(actions.next(serverId, PATIENCE))
        .isEqualTo(new RecordingPowerActions.Call(NextAction.Action.STOP, serverId));
  }

  @Test
  void aStartFiredInsideTheWindowStartsTheServer() throws Exception {
    schedule(true);

    fire(NextAction.Action.START);

    assertThat(actions.next(serverId, PATIENCE))
        .isEqualTo(new RecordingPowerActions.Call(NextAction.Action.START, serverId));
  }

  @Test
  void aStartFiredAfterItsWindowClosedIsSkipped() throws Exception {
    schedule(false);

    fire(NextAction.Action.START);

    assertThat(executions.awaitOne()).isTrue();
    assertThat(actions.next(serverId, Duration.ZERO)).isNull();
  }

  @Test
  void aStartTheLifecycleRefusesIsNotMade() throws Exception {
    schedule(true);
    actions.refuseStartsOf(serverId);

    fire(NextAction.Action.START);

    assertThat(executions.awaitOne()).isTrue();
    assertThat(actions.next(serverId, Duration.ZERO)).isNull();
  }

  /** Counts the job's executions, so that a test knows a skipped start has really run. */
  private static final class Executions extends JobListenerSupport {

    private final CountDownLatch done = new CountDownLatch(1);
    private final String name = "schedule-it-" + UUID.randomUUID();

    @Override
    public String getName() {
      return name;
    }

    @Override
    public void jobWasExecuted(
        JobExecutionContext context, @Nullable JobExecutionException jobException) {
      done.countDown();
    }

    boolean awaitOne() throws InterruptedException {
      return done.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
