package io.gpufleet.api.live;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationStatus;
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
 * {@code GET /api/v1/generations/{id}/events}: server-sent events of one generation, each with its
 * number as the SSE {@code id}, so that a client that reconnects with {@code Last-Event-ID} (as
 * EventSource does by itself) gets what it missed, whichever replica it reaches.
 */
@RestController
class GenerationStreamController {

  private final GenerationService service;
  private final GenerationEventBus bus;

  GenerationStreamController(GenerationService service, GenerationEventBus bus) {
    this.service = service;
    this.bus = bus;
  }

  /**
   * A first connection hears the current state, then the events as they come; a resumed one ({@code
   * Last-Event-ID}) hears the stored events after that number, then the live ones, and the state
   * only if the generation ended without a final event left to replay.
   */
  @GetMapping(
      path = "/api/v1/generations/{id}/events",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      @RequestHeader(name = "Last-Event-ID", required = false) @Nullable String lastEventId) {
    GenerationView now = service.get(user, id);
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
            if (event.isFinal()) {
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
    boolean finalNow = GenerationStatus.valueOf(now.status()).isFinal();
    try {
      if (after == null) {
        unsubscribe[0] = bus.subscribe(id, forward);
        emitter.send(SseEmitter.event().name("generation.state").data(now));
        if (finalNow) {
          ended.set(true);
          emitter.complete();
        }
      } else {
        unsubscribe[0] = bus.subscribe(id, after, forward);
        if (ended.get()) {
          unsubscribe[0].run(); // the replay held the final event
        } else if (finalNow && !ended.get()) {
          // its final event is older than the retention: the state says how it ended
          ended.set(true);
          emitter.send(SseEmitter.event().name("generation.state").data(now));
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
      return null; // not one of ours: start afresh
    }
  }
}
