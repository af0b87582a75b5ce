package io.gpufleet.api.tasks;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.tasks.Task;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
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
    Task task = service.find(user, id);
    SseEmitter emitter = new SseEmitter(0L);
    AtomicBoolean ended = new AtomicBoolean();
    Runnable[] unsubscribe = {() -> {}};
    Consumer<GenerationEvent> forward =
        event -> {
          if (ended.get()) {
            return;
          }
          try {
            SseEmitter.SseEventBuilder sse = SseEmitter.event().name(event.type());
            if (event.sequence() > 0) {
              sse.id(Long.toString(event.sequence()));
            }
            emitter.send(sse.data(event.data()));
            if (TaskEvents.isFinal(event.type())) {
              ended.set(true);
              emitter.complete();
            }
          } catch (IOException | IllegalStateException e) {
            ended.set(true);
            unsubscribe[0].run();
          }
        };
    emitter.onCompletion(() -> unsubscribe[0].run());
    emitter.onTimeout(() -> unsubscribe[0].run());
    emitter.onError(e -> unsubscribe[0].run());
    Long after = position(lastEventId);
    try {
      unsubscribe[0] =
          after == null ? bus.subscribe(id, forward) : bus.subscribe(id, after, forward);
      if (ended.get()) {
        unsubscribe[0].run(); // the replay held the final event
      } else if (after == null || task.getStatus().isFinal()) {
        // read again: it may have moved on between the first read and the subscription
        Task now = service.find(user, id);
        emitter.send(SseEmitter.event().name("task.state").data(service.view(now)));
        if (now.getStatus().isFinal()) {
          ended.set(true);
          emitter.complete();
        }
      }
    } catch (IOException e) {
      unsubscribe[0].run();
    }
    return emitter;
  }

  private static @Nullable Long position(@Nullable String lastEventId) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return null;
    }
    try {
      return Math.max(0, Long.parseLong(lastEventId.strip()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
