package io.gpufleet.api.tasks;

import io.gpufleet.api.chat.TextCompletions;
import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.generations.GenerationViews;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.generations.GenerationViews.OutputView;
import io.gpufleet.api.providers.ProfileOptions;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskRepository;
import io.gpufleet.persistence.tasks.TaskStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Creates, reads, cancels, retries and deletes tasks. Text tasks are run by the {@link TaskWorker};
 * an image task is a generation from the start (so its inputs are checked when it is created), and
 * the worker has it follow that generation's state.
 */
@Service
class TaskService {

  static final String TASK_NOT_FOUND = "TASK_NOT_FOUND";
  static final String TASK_NOT_CANCELLABLE = "TASK_NOT_CANCELLABLE";
  static final String TASK_NOT_RETRYABLE = "TASK_NOT_RETRYABLE";
  static final String TASK_RUNNING = "TASK_RUNNING";

  private final TaskRepository tasks;
  private final TextCompletions completions;
  private final GenerationService generationService;
  private final GenerationRepository generations;
  private final TaskEvents events;
  private final TaskWorker worker;
  private final TaskProperties settings;
  private final TransactionTemplate transaction;
  private final Clock clock;

  TaskService(
      TaskRepository tasks,
      TextCompletions completions,
      GenerationService generationService,
      GenerationRepository generations,
      TaskEvents events,
      TaskWorker worker,
      TaskProperties settings,
      TransactionTemplate transaction,
      Clock clock) {
    this.tasks = tasks;
    this.completions = completions;
    this.generationService = generationService;
    this.generations = generations;
    this.events = events;
    this.worker = worker;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
  }

  Task create(AuthenticatedUser user, TaskViews.CreateTask request) {
    Task task = request.isText() ? text(user, request) : image(user, request);
    // the event commits with the row: no worker can claim the task, and tell of it, before
    transaction.executeWithoutResult(
        s -> {
          tasks.saveAndFlush(task);
          events.changed(task);
        });
    if (task.isText()) {
      worker.wake();
    }
    return task;
  }

  private Task text(AuthenticatedUser user, TaskViews.CreateTask request) {
    List<ApiException.FieldProblem> wrong = new ArrayList<>();
    if (request.workflowId() != null) {
      wrong.add(new ApiException.FieldProblem("workflowId", "is for image tasks"));
    }
    if (request.inputs() != null) {
      wrong.add(new ApiException.FieldProblem("inputs", "is for image tasks"));
    }
    if (!wrong.isEmpty()) {
      throw ApiException.invalid(wrong);
    }
    // where it goes is checked now: an unknown profile or model is the caller's to hear at once
    TextCompletions.Target target =
        completions.check(
            new TextCompletions.TextCall(
                request.profileId(),
                request.provider(),
                request.model(),
                request.systemPrompt(),
                request.prompt(),
                request.options()));
    return new Task(
        user.id(),
        new Task.Request(
            name(request),
            Task.TEXT,
            target.provider(),
            target.profileId(),
            target.model(),
            request.prompt(),
            blankToNull(request.systemPrompt()),
            TaskViews.JSON.writeValueAsString(
                request.options() == null ? Map.of() : request.options()),
            null,
            settings.maxAttempts()),
        clock.instant());
  }

  private Task image(AuthenticatedUser user, TaskViews.CreateTask request) {
    List<ApiException.FieldProblem> wrong = new ArrayList<>();
    if (request.provider() != null && !request.provider().equalsIgnoreCase("comfyui")) {
      wrong.add(
          new ApiException.FieldProblem(
              "provider", "must be comfyui (or absent): image tasks run on the fleet's ComfyUI"));
    }
    for (var field :
        List.of(
            new Object[] {"profileId", request.profileId()},
            new Object[] {"model", request.model()},
            new Object[] {"systemPrompt", request.systemPrompt()},
            new Object[] {"options", request.options()})) {
      if (field[1] != null) {
        wrong.add(
            new ApiException.FieldProblem(
                (String) field[0], "is for text tasks; an image task takes inputs"));
      }
    }
    if (!wrong.isEmpty()) {
      throw ApiException.invalid(wrong);
    }
    Map<String, JsonNode> inputs = new LinkedHashMap<>();
    if (request.inputs() != null) {
      inputs.putAll(request.inputs());
    }
    inputs.put("prompt", TaskViews.JSON.getNodeFactory().stringNode(request.prompt()));
    GenerationView generation = generationService.submit(user, request.workflowId(), inputs);
    Task task =
        new Task(
            user.id(),
            new Task.Request(
                name(request),
                Task.IMAGE,
                "comfyui",
                null,
                null,
                request.prompt(),
                null,
                TaskViews.JSON.writeValueAsString(inputs),
                request.workflowId(),
                generation.maxAttempts()),
            clock.instant());
    task.follow(generation.id());
    return task;
  }

  /** The caller's task (any for admins), or 404. */
  Task find(AuthenticatedUser user, UUID id) {
    return tasks
        .findById(id)
        .filter(t -> user.isAdmin() || t.getUserId().equals(user.id()))
        .orElseThrow(() -> ApiException.notFound(TASK_NOT_FOUND, "No task " + id));
  }

  /** As {@code GET /tasks/{id}} shows it: an image task with its generation's outputs. */
  TaskViews.TaskView view(Task t) {
    List<OutputView> outputs = null;
    if (t.getGenerationId() != null) {
      outputs =
          generations
              .findById(t.getGenerationId())
              .map(g -> GenerationViews.of(g, null, null).outputs())
              .orElse(List.of());
    }
    return TaskViews.of(t, outputs);
  }

  /**
   * A pending task is cancelled; an image task also while its generation runs (it is interrupted on
   * its server). A running text task has its provider call under way and is not.
   */
  Task cancel(AuthenticatedUser user, UUID id) {
    Task task = find(user, id);
    if (task.getStatus().isFinal()) {
      throw ApiException.conflict(TASK_NOT_CANCELLABLE, "The task is already " + task.getStatus());
    }
    if (!task.isText() && task.getGenerationId() != null) {
      generationService.cancel(user, task.getGenerationId());
    }
    Task cancelled =
        transaction.execute(
            s -> {
              Task locked = tasks.lockById(id).orElseThrow(() -> notFound(id));
              if (locked.isText() && locked.getStatus() != TaskStatus.PENDING) {
                throw ApiException.conflict(
                    TASK_NOT_CANCELLABLE,
                    "The task is "
                        + locked.getStatus()
                        + "; only a pending text task is cancelled");
              }
              if (!locked.getStatus().isFinal()) {
                // an image task's may have followed its cancelled generation already, and told
                locked.cancel(clock.instant());
                tasks.saveAndFlush(locked);
                events.changed(locked);
              }
              return locked;
            });
    return cancelled;
  }

  /** A failed or cancelled task runs again: a text task as it was, an image task as a new seed. */
  Task retry(AuthenticatedUser user, UUID id) {
    Task task = find(user, id);
    if (task.getStatus() != TaskStatus.FAILED && task.getStatus() != TaskStatus.CANCELLED) {
      throw ApiException.conflict(
          TASK_NOT_RETRYABLE,
          "The task is " + task.getStatus() + "; only failed or cancelled tasks are retried");
    }
    @Nullable UUID generation = null;
    if (task.isText()) {
      // its profile may have gone or been disabled since: the caller hears it now
      completions.check(
          new TextCompletions.TextCall(
              task.getProfileId(),
              task.getProvider(),
              task.getModel(),
              task.getSystemPrompt(),
              task.getPrompt(),
              null));
    } else if (task.getGenerationId() != null) {
      generation = generationService.regenerate(user, task.getGenerationId()).id();
    }
    @Nullable UUID next = generation;
    Task requeued =
        transaction.execute(
            s -> {
              Task locked = tasks.lockById(id).orElseThrow(() -> notFound(id));
              if (!locked.getStatus().isFinal()) {
                throw ApiException.conflict(
                    TASK_NOT_RETRYABLE, "The task is " + locked.getStatus() + " already");
              }
              locked.requeue(clock.instant());
              if (next != null) {
                locked.follow(next);
              }
              tasks.saveAndFlush(locked);
              events.changed(locked);
              return locked;
            });
    if (requeued.isText()) {
      worker.wake();
    }
    return requeued;
  }

  /**
   * Deletes a task that is not running (a pending one is cancelled first). An image task's
   * generation stays in the generations' history.
   */
  void delete(AuthenticatedUser user, UUID id) {
    Task task = find(user, id);
    if (task.getStatus() == TaskStatus.RUNNING) {
      throw ApiException.conflict(
          TASK_RUNNING, "The task is running; cancel it or wait for it to finish");
    }
    if (task.getStatus() == TaskStatus.PENDING) {
      cancel(user, id);
    }
    transaction.executeWithoutResult(
        s -> {
          Task locked = tasks.lockById(id).orElseThrow(() -> notFound(id));
          if (!locked.getStatus().isFinal()) {
            throw ApiException.conflict(TASK_RUNNING, "The task is " + locked.getStatus());
          }
          tasks.delete(locked);
        });
  }

  static ProfileOptions options(Task t) {
    try {
      return TaskViews.JSON.readValue(t.getOptions(), ProfileOptions.class);
    } catch (RuntimeException e) {
      return ProfileOptions.none();
    }
  }

  private static ApiException notFound(UUID id) {
    return new ApiException(HttpStatus.NOT_FOUND, TASK_NOT_FOUND, "No task " + id);
  }

  private static String name(TaskViews.CreateTask request) {
    if (request.name() != null && !request.name().isBlank()) {
      return request.name().strip();
    }
    String prompt = request.prompt().strip().replaceAll("\\s+", " ");
    return prompt.length() > 60 ? prompt.substring(0, 60) + "…" : prompt;
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
