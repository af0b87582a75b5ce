package io.gpufleet.api.tasks;

import io.gpufleet.api.chat.TextCompletions;
import io.gpufleet.api.providers.ProfileOptions;
import io.gpufleet.api.providers.ProviderProblem;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskRepository;
import io.gpufleet.persistence.tasks.TaskStatus;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each replica's task worker. Text tasks are claimed one at a time with SKIP LOCKED (so each
 * attempt runs in one replica only) and held by a lease for the provider's timeout and a margin; a
 * replica that dies mid-call leaves a lease that runs out, and another replica takes the task over.
 * A provider's transient failure (connection, 429, 5xx) puts the task back for a later attempt with
 * doubling backoff, until its attempts are spent; any other failure ends it FAILED. Image tasks
 * take their generation's state on each tick.
 */
@Component
class TaskWorker {

  private static final Logger log = LoggerFactory.getLogger(TaskWorker.class);
  private static final int FOLLOW_BATCH = 100;
  private static final int MAX_MESSAGE = 2_000;

  private final String replica = "tasks-" + UUID.randomUUID().toString().replace("-", "");
  private final TaskRepository tasks;
  private final GenerationRepository generations;
  private final TextCompletions completions;
  private final TaskEvents events;
  private final TaskProperties settings;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Semaphore slots;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "task-worker");
            t.setDaemon(true);
            return t;
          });
  private final ExecutorService runners;

  TaskWorker(
      TaskRepository tasks,
      GenerationRepository generations,
      TextCompletions completions,
      TaskEvents events,
      TaskProperties settings,
      TransactionTemplate transaction,
      Clock clock) {
    this.tasks = tasks;
    this.generations = generations;
    this.completions = completions;
    this.events = events;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
    int workers = Math.max(1, settings.workers());
    this.slots = new Semaphore(workers);
    AtomicInteger n = new AtomicInteger();
    this.runners =
        Executors.newFixedThreadPool(
            workers,
            r -> {
              Thread t = new Thread(r, "task-runner-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long every = Math.max(50, settings.pollInterval().toMillis());
    timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** A task was queued here: look now rather than at the next tick. */
  void wake() {
    try {
      timer.execute(this::tick);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // shutting down
    }
  }

  private void tick() {
    try {
      follow();
      while (slots.tryAcquire()) {
        Optional<Task> claimed = claim();
        if (claimed.isEmpty()) {
          slots.release();
          break;
        }
        runners.execute(
            () -> {
              try {
                run(claimed.get());
              } finally {
                slots.release();
                wake();
              }
            });
      }
    } catch (RuntimeException e) {
      log.warn("The task worker's round failed: {}", e.toString());
    }
  }

  /** The next due text task, claimed for this replica, or none. */
  Optional<Task> claim() {
    Task claimed =
        transaction.execute(
            s -> {
              Instant now = clock.instant();
              List<UUID> due = tasks.claimDue(now, 1);
              if (due.isEmpty()) {
                return null;
              }
              Task t = tasks.findById(due.get(0)).orElseThrow();
              Duration hold = TaskService.options(t).timeout().plus(settings.leaseMargin());
              t.claim(replica, now, now.plus(hold));
              return tasks.save(t);
            });
    if (claimed != null) {
      events.changed(claimed);
    }
    return Optional.ofNullable(claimed);
  }

  void run(Task task) {
    ProfileOptions options = TaskService.options(task);
    try {
      TextCompletions.Completion answer =
          completions.complete(
              task.getUserId(),
              new TextCompletions.TextCall(
                  task.getProfileId(),
                  task.getProvider(),
                  task.getModel(),
                  task.getSystemPrompt(),
                  task.getPrompt(),
                  options));
      finish(
          task.getId(),
          t ->
              t.complete(
                  answer.text(),
                  answer.model(),
                  answer.promptTokens(),
                  answer.completionTokens(),
                  answer.cost(),
                  clock.instant()));
    } catch (ProviderProblem problem) {
      failed(task, problem.code(), problem.getMessage(), retryable(problem), problem);
    } catch (ApiException e) {
      // its profile went, or is disabled: nothing a later attempt changes
      failed(task, e.code(), e.getMessage(), false, null);
    } catch (RuntimeException e) {
      log.error("Task {} failed unexpectedly", task.getId(), e);
      failed(task, "INTERNAL_ERROR", e.getClass().getSimpleName(), false, null);
    }
  }

  private void failed(
      Task task,
      String code,
      @Nullable String message,
      boolean retryable,
      @Nullable ProviderProblem problem) {
    String why = truncate(message == null ? code : message);
    if (retryable && task.getAttempts() < task.getMaxAttempts()) {
      Duration wait =
          settings.initialBackoff().multipliedBy(1L << Math.min(task.getAttempts() - 1, 20));
      if (problem != null && problem.retryAfterSeconds() != null) {
        Duration asked = Duration.ofSeconds(problem.retryAfterSeconds());
        wait = asked.compareTo(wait) > 0 ? asked : wait;
      }
      Instant later = clock.instant().plus(wait);
      Task t = change(task.getId(), x -> x.retryLater(code, why, later));
      if (t != null) {
        log.info(
            "Task {} attempt {} failed ({}); trying again in {}",
            task.getId(),
            task.getAttempts(),
            code,
            wait);
        events.retrying(t);
      }
      return;
    }
    log.warn(
        "Task {} failed after {} attempt(s): {} {}", task.getId(), task.getAttempts(), code, why);
    finish(task.getId(), t -> t.fail(code, why, clock.instant()));
  }

  private void finish(UUID id, Consumer<Task> change) {
    Task t = change(id, change);
    if (t != null) {
      events.changed(t);
    }
  }

  /**
   * Applies the change if the task is still this replica's claim: not cancelled, deleted or taken
   * over meanwhile. Answers the changed task, or null.
   */
  private @Nullable Task change(UUID id, Consumer<Task> change) {
    return transaction.execute(
        s -> {
          Task locked = tasks.lockById(id).orElse(null);
          if (locked == null
              || locked.getStatus() != TaskStatus.RUNNING
              || !replica.equals(locked.getClaimedBy())) {
            return null;
          }
          change.accept(locked);
          return tasks.save(locked);
        });
  }

  /** Image tasks take their generation's state; answers how many changed. */
  int follow() {
    List<Task> changed = new ArrayList<>();
    transaction.executeWithoutResult(
        s -> {
          for (UUID id : tasks.claimFollowing(FOLLOW_BATCH)) {
            Task t = tasks.findById(id).orElseThrow();
            UUID generationId = t.getGenerationId();
            Generation g =
                generationId == null ? null : generations.findById(generationId).orElse(null);
            if (g == null) {
              t.fail("GENERATION_NOT_FOUND", "Its generation is gone", clock.instant());
              changed.add(tasks.save(t));
              continue;
            }
            TaskStatus status =
                switch (g.getStatus()) {
                  case QUEUED -> TaskStatus.PENDING;
                  case RUNNING -> TaskStatus.RUNNING;
                  case COMPLETED -> TaskStatus.COMPLETED;
                  case FAILED -> TaskStatus.FAILED;
                  case CANCELLED -> TaskStatus.CANCELLED;
                };
            if (status == t.getStatus()) {
              continue;
            }
            Generation.Failure f = g.getFailure();
            boolean failed = status == TaskStatus.FAILED && f != null;
            t.followed(
                status,
                g.getTimings().startedAt(),
                g.getTimings().finishedAt(),
                failed ? f.type() : null,
                failed ? truncate(f.message()) : null);
            changed.add(tasks.save(t));
          }
        });
    changed.forEach(events::changed);
    return changed.size();
  }

  private static boolean retryable(ProviderProblem problem) {
    return Boolean.TRUE.equals(problem.properties().get("retryable"));
  }

  private static String truncate(@Nullable String s) {
    String text = s == null ? "" : s;
    return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
    runners.shutdownNow();
  }
}
