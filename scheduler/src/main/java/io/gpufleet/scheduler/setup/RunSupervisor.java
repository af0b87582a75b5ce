package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.persistence.setup.ServerExecutionRepository;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionFinished;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionOutput;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionProgress;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Looks after this replica's runs while they go: appends their buffered output to their rows (at
 * most every flush interval, sooner when a lot is waiting) and tells of it, keeps their heartbeat,
 * passes on cancels asked through another replica, fails runs a crashed replica left behind, and
 * fails its own runs when the application shuts down.
 */
@Component
class RunSupervisor implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RunSupervisor.class);
  static final String INTERRUPTED = "interrupted (the replica running it stopped or crashed)";
  static final String SHUTDOWN = "interrupted by shutdown";

  private final ActiveRuns runs;
  private final ServerExecutionRepository executions;
  private final ApplicationEventPublisher events;
  private final SetupSettings settings;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          task -> {
            Thread thread = new Thread(task, "setup-output");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean running;

  RunSupervisor(
      ActiveRuns runs,
      ServerExecutionRepository executions,
      ApplicationEventPublisher events,
      SetupSettings settings,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    this.runs = runs;
    this.executions = executions;
    this.events = events;
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void start() {
    failAbandoned();
    long flush = settings.flushInterval().toMillis();
    long heartbeat = settings.heartbeatInterval().toMillis();
    long sweep = Math.max(1000, settings.abandonedAfter().toMillis() / 2);
    ticker.scheduleWithFixedDelay(guarded(this::flushAll), flush, flush, TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(
        guarded(this::heartbeat), heartbeat, heartbeat, TimeUnit.MILLISECONDS);
    ticker.scheduleWithFixedDelay(
        guarded(this::failAbandoned), sweep, sweep, TimeUnit.MILLISECONDS);
    running = true;
  }

  /** Ends this replica's runs as FAILED before the database goes away. */
  @Override
  public void stop() {
    running = false;
    for (ActiveRun run : runs.all()) {
      run.cancel();
      try {
        flush(run);
        finish(run, ExecutionStatus.FAILED, null, SHUTDOWN);
      } catch (RuntimeException e) {
        log.warn("Could not record the end of setup run {}: {}", run.executionId, e.getMessage());
      }
    }
    ticker.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Before the run executor and the SSH client are stopped. */
  @Override
  public int getPhase() {
    return SmartLifecycle.DEFAULT_PHASE - 1000;
  }

  /** The listener the SSH runner feeds; never blocks the SSH threads. */
  ScriptOutputListener listenerFor(ActiveRun run) {
    int flushSize = (int) Math.min(Integer.MAX_VALUE, settings.flushSize().toBytes());
    return (stream, line) -> {
      run.buffer.line(stream, line);
      if (run.buffer.pendingChars() >= flushSize && run.flushScheduled.compareAndSet(false, true)) {
        try {
          ticker.execute(guarded(() -> flush(run)));
        } catch (RejectedExecutionException e) {
          run.flushScheduled.set(false);
        }
      }
    };
  }

  /** Appends what the run has buffered, then tells of it. */
  void flush(ActiveRun run) {
    synchronized (run.flushLock) {
      run.flushScheduled.set(false);
      OutputBuffer.Drained drained = run.buffer.drain();
      if (drained.isEmpty()) {
        return;
      }
      String chunk = drained.chunk();
      StepMarkers.Step step = drained.step();
      // one transaction, so a reader never sees a step's marker without the step
      ownTransaction.executeWithoutResult(
          status -> {
            if (!chunk.isEmpty()) {
              executions.appendOutput(run.executionId, chunk, settings.outputCapChars());
            }
            if (step != null) {
              executions.recordStep(run.executionId, step.number(), step.total(), step.title());
            }
          });
      if (!chunk.isEmpty()) {
        long offset = run.offset;
        run.offset += chunk.codePointCount(0, chunk.length());
        events.publishEvent(new ExecutionOutput(run.executionId, run.serverId, chunk, offset));
      }
      if (step != null) {
        events.publishEvent(
            new ExecutionProgress(run.executionId, step.number(), step.total(), step.title()));
      }
    }
  }

  /** Ends the run's row if it is still active, and tells of it; false if it had ended already. */
  boolean finish(
      ActiveRun run, ExecutionStatus status, @Nullable Integer exitCode, @Nullable String error) {
    int ended =
        executions.finish(
            run.executionId, status, exitCode, error, Instant.now(clock), ExecutionStatus.ACTIVE);
    if (ended == 1) {
      events.publishEvent(new ExecutionFinished(run.executionId, run.serverId, status));
      return true;
    }
    return false;
  }

  /** Tells of a run ended by another path (a cancel while queued). */
  void finished(UUID executionId, UUID serverId, ExecutionStatus status) {
    events.publishEvent(new ExecutionFinished(executionId, serverId, status));
  }

  private void flushAll() {
    for (ActiveRun run : runs.all()) {
      try {
        flush(run);
      } catch (RuntimeException e) {
        log.warn("Could not store output of setup run {}: {}", run.executionId, e.getMessage());
      }
    }
  }

  private void heartbeat() {
    Collection<ActiveRun> mine = runs.all();
    if (mine.isEmpty()) {
      return;
    }
    List<UUID> ids = mine.stream().map(run -> run.executionId).toList();
    executions.heartbeat(ids);
    for (UUID id : executions.findCancelRequested(ids)) {
      ActiveRun run = runs.get(id);
      if (run != null) {
        log.info("Cancelling setup run {} as asked through another replica", id);
        run.cancel();
      }
    }
  }

  /** Fails active runs whose replica stopped beating: it crashed or was killed. */
  int failAbandoned() {
    int failed =
        executions.failAbandoned(
            INTERRUPTED, Instant.now(clock), settings.abandonedAfter().toMillis() / 1000.0);
    if (failed > 0) {
      log.warn("Marked {} setup run(s) left behind by a stopped replica as FAILED", failed);
    }
    return failed;
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("Setup run housekeeping failed: {}", e.getMessage());
      }
    };
  }
}
