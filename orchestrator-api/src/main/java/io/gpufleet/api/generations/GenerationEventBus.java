package io.gpufleet.api.generations;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Subscribers of generations in this replica, by generation id. */
@Component
class GenerationEventBus {

  private static final Logger log = LoggerFactory.getLogger(GenerationEventBus.class);

  private final Map<UUID, List<Consumer<GenerationEvent>>> subscribers = new ConcurrentHashMap<>();

  Runnable subscribe(UUID generation, Consumer<GenerationEvent> subscriber) {
    subscribers.computeIfAbsent(generation, id -> new CopyOnWriteArrayList<>()).add(subscriber);
    return () ->
        subscribers.computeIfPresent(
            generation,
            (id, list) -> {
              list.remove(subscriber);
              return list.isEmpty() ? null : list;
            });
  }

  void publish(GenerationEvent event) {
    List<Consumer<GenerationEvent>> list = subscribers.get(event.generationId());
    if (list == null) {
      return;
    }
    for (Consumer<GenerationEvent> subscriber : list) {
      try {
        subscriber.accept(event);
      } catch (RuntimeException e) {
        log.debug("A subscriber of {} failed: {}", event.generationId(), e.getMessage());
      }
    }
  }
}
