package io.gpufleet.api.tasks;

import io.gpufleet.api.events.EventStreams;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.tasks.Task;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/v1/tasks/{id}/events}: the task's state ({@code task.state}), then its events as
 * they come until it ends, each with its number as the SSE {@code id}; a client that reconnects
 * with {@code Last-Event-ID} hears what it missed, whichever replica it reaches.
 */
@RestController
class TaskStreamController {

  private final TaskService service;
  private final GenerationEventBus bus;

  TaskStreamController(TaskService service, GenerationEventBus bus) {
    this.service = service;
    this.bus = bus;
  }

  @GetMapping(path = "/api/v1/tasks/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
    service.find(user, id); // 404 for another user's task
    return EventStreams.open(
        bus,
        id,
        lastEventId,
        event -> TaskEvents.isFinal(event.type()),
        "task.state",
        () -> {
          Task now = service.find(user, id);
          return new EventStreams.State(service.view(now), now.getStatus().isFinal());
        });
  }
}
