package io.gpufleet.api.events;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A subscriber that resumes after a number: live events that come while the stored ones are
 * replayed wait, then follow them; each event is handed on once, in the order stored then heard.
 */
final class ResumingSubscriber implements Consumer<GenerationEvent> {

  private final Consumer<GenerationEvent> target;
  private final SeenEvents seen;
  private List<GenerationEvent> held = new ArrayList<>();
  private boolean replaying = true;

  ResumingSubscriber(Consumer<GenerationEvent> target, long after) {
    this.target = target;
    this.seen = new SeenEvents(50_000, after);
  }

  @Override
  public synchronized void accept(GenerationEvent event) {
    if (replaying) {
      held.add(event);
    } else {
      pass(event);
    }
  }

  synchronized void replayed(List<GenerationEvent> stored) {
    stored.forEach(this::pass);
    replaying = false;
    List<GenerationEvent> waiting = held;
    held = List.of();
    waiting.forEach(this::pass);
  }

  private void pass(GenerationEvent event) {
    if (seen.first(event.sequence())) {
      target.accept(event);
    }
  }
}
