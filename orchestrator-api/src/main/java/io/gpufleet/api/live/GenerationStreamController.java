package io.gpufleet.api.live;

import io.gpufleet.api.events.EventStreams;
import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationStatus;
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
    service.get(user, id); // 404 for another user's generation
    return EventStreams.open(
        bus,
        id,
        lastEventId,
        GenerationEvent::isFinal,
        "generation.state",
        () -> {
          GenerationView now = service.get(user, id);
          return new EventStreams.State(now, GenerationStatus.valueOf(now.status()).isFinal());
        });
  }
}
