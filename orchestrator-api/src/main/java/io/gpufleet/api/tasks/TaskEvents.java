package io.gpufleet.api.tasks;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Task events on the generation event bus, keyed by the task's id, so that they are numbered, reach
 * every replica and can be resumed after as generations' are: {@code task.queued}, {@code
 * .started}, {@code .retrying}, {@code .completed}, {@code .failed}, {@code .cancelled}. Published
 * after the change committed, by the replica that made it.
 */
@Component
class TaskEvents {

  private final GenerationEventBus bus;

  TaskEvents(GenerationEventBus bus) {
    this.bus = bus;
  }

  /** The event of the task's current status. */
  void changed(Task t) {
    String type =
        switch (t.getStatus()) {
          case PENDING -> "task.queued";
          case RUNNING -> "task.started";
          case COMPLETED -> "task.completed";
          case FAILED -> "task.failed";
          case CANCELLED -> "task.cancelled";
        };
    bus.publish(new GenerationEvent(type, t.getId(), data(t)));
  }

  /** Its last attempt failed for a reason that may pass; it is tried again later. */
  void retrying(Task t) {
    Map<String, Object> data = data(t);
    data.put("runAfter", t.getRunAfter().toString());
    bus.publish(new GenerationEvent("task.retrying", t.getId(), data));
  }

  static boolean isFinal(String type) {
    return type.equals("task.completed")
        || type.equals("task.failed")
        || type.equals("task.cancelled");
  }

  private static Map<String, Object> data(Task t) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("taskId", t.getId().toString());
    data.put("status", t.getStatus().name());
    data.put("type", t.getType());
    data.put("attempts", t.getAttempts());
    if (t.getGenerationId() != null) {
      data.put("generationId", t.getGenerationId().toString());
    }
    if (t.getErrorMessage() != null && t.getStatus() != TaskStatus.COMPLETED) {
      data.put("error", t.getErrorMessage());
      if (t.getErrorCode() != null) {
        data.put("code", t.getErrorCode());
      }
    }
    if (t.getStatus() == TaskStatus.COMPLETED && t.getPromptTokens() != null) {
      data.put("promptTokens", t.getPromptTokens());
      data.put("completionTokens", t.getCompletionTokens());
    }
    return data;
  }
}
