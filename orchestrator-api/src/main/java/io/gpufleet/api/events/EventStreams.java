package io.gpufleet.api.events;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One subject's events as Server-Sent Events, each with its number as the SSE id. A new subscriber
 * first hears the subject's state; one that resumes ({@code Last-Event-ID}) hears the stored events
 * after that number, then the live ones, and the state only if the subject ended without a final
 * event left to replay. The stream ends after a final event.
 */
public final class EventStreams {

  /** What the subject is now: its view, sent as {@code stateName}, and whether it has ended. */
  public record State(Object view, boolean ended) {}

  private EventStreams() {}

  public static SseEmitter open(
      GenerationEventBus bus,
      UUID subject,
      @Nullable String lastEventId,
      Predicate<GenerationEvent> isFinal,
      String stateName,
      Supplier<State> state) {
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
            if (isFinal.test(event)) {
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
          after == null ? bus.subscribe(subject, forward) : bus.subscribe(subject, after, forward);
      if (ended.get()) {
        unsubscribe[0].run(); // the replay held the final event
        return emitter;
      }
      // read after subscribing: whatever happens from here on comes as an event
      State now = state.get();
      if (after == null || now.ended()) {
        emitter.send(SseEmitter.event().name(stateName).data(now.view()));
        if (now.ended()) {
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
      return null; // not one of ours: start afresh
    }
  }
}
