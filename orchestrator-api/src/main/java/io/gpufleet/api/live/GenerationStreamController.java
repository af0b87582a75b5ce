package io.gpufleet.api.live;

import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.io.IOException;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** {@code GET /api/v1/generations/{id}/events}: server-sent events of one generation. */
@RestController
class GenerationStreamController {

  private final GenerationService service;
  private final GenerationEventBus bus;

  GenerationStreamController(GenerationService service, GenerationEventBus bus) {
    this.service = service;
    this.bus = bus;
  }

  /** The events this replica hears of it; the current state comes first. */
  @GetMapping(
      path = "/api/v1/generations/{id}/events",
      produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    GenerationView now = service.get(user, id);
    SseEmitter emitter = new SseEmitter(0L);
    Runnable[] unsubscribe = new Runnable[1];
    unsubscribe[0] =
        bus.subscribe(
            id,
            event -> {
              try {
                emitter.send(SseEmitter.event().name(event.type()).data(event.data()));
                if (event.isFinal()) {
                  emitter.complete();
                }
              } catch (IOException | IllegalStateException e) {
                unsubscribe[0].run();
              }
            });
    emitter.onCompletion(unsubscribe[0]);
    emitter.onTimeout(unsubscribe[0]);
    emitter.onError(e -> unsubscribe[0].run());
    try {
      emitter.send(SseEmitter.event().name("generation.state").data(now));
      if (GenerationStatus.valueOf(now.status()).isFinal()) {
        emitter.complete();
      }
    } catch (IOException e) {
      unsubscribe[0].run();
    }
    return emitter;
  }
}
