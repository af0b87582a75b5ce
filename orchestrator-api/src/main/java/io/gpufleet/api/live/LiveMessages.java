package io.gpufleet.api.live;

import io.gpufleet.api.events.GenerationEvent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The socket's messages: events as they are heard, and errors with their {@code code}. */
final class LiveMessages {

  static final String BAD_MESSAGE = "BAD_MESSAGE";
  static final String EXECUTION_NOT_FOUND = "EXECUTION_NOT_FOUND";

  private LiveMessages() {}

  /**
   * An event, keyed by the generation, the setup run or the task it is about, with its number
   * ({@code seq}): the position a client resumes after.
   */
  static Map<String, Object> of(GenerationEvent event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", event.type());
    String key =
        event.type().startsWith("execution.")
            ? "executionId"
            : event.type().startsWith("task.") ? "taskId" : "generationId";
    m.put(key, event.generationId().toString());
    if (event.sequence() > 0) {
      m.put("seq", event.sequence());
    }
    event.data().forEach(m::putIfAbsent);
    return m;
  }

  static Map<String, Object> error(String code, String message, @Nullable String generationId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "error");
    m.put("code", code);
    m.put("message", message);
    if (generationId != null) {
      m.put("generationId", generationId);
    }
    return m;
  }

  static Map<String, Object> executionNotFound(UUID id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "error");
    m.put("code", EXECUTION_NOT_FOUND);
    m.put("message", "No setup run " + id);
    m.put("executionId", id.toString());
    return m;
  }
}
