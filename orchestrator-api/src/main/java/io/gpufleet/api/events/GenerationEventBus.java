package io.gpufleet.api.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generation events for every replica: {@link #publish} sends them through PostgreSQL {@code NOTIFY
 * gpufleet_events}; {@link PgEventChannel} hears them (ours included) and hands them to {@link
 * #deliver}, which fans them out to this replica's subscribers, by generation id. Setup runs'
 * events travel the same way, keyed by execution id ({@link ExecutionEventRelay}).
 */
@Component
public class GenerationEventBus {

  static final String CHANNEL = "gpufleet_events";

  /** PostgreSQL refuses payloads of 8000 bytes or more; stay well below. */
  static final int MAX_PAYLOAD = 7_500;

  private static final Logger log = LoggerFactory.getLogger(GenerationEventBus.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<UUID, List<Consumer<GenerationEvent>>> subscribers = new ConcurrentHashMap<>();
  private final List<Consumer<GenerationEvent>> originListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<GenerationEvent>> everything = new CopyOnWriteArrayList<>();
  private final JdbcTemplate jdbc;

  GenerationEventBus(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public Runnable subscribe(UUID generation, Consumer<GenerationEvent> subscriber) {
    subscribers.computeIfAbsent(generation, id -> new CopyOnWriteArrayList<>()).add(subscriber);
    return () ->
        subscribers.computeIfPresent(
            generation,
            (id, list) -> {
              list.remove(subscriber);
              return list.isEmpty() ? null : list;
            });
  }

  /** Every event this replica hears, whatever its subject; the answer unsubscribes. */
  public Runnable subscribeAll(Consumer<GenerationEvent> subscriber) {
    everything.add(subscriber);
    return () -> everything.remove(subscriber);
  }

  /**
   * Hears each event once in the whole fleet: in the replica that made the transition, when it
   * publishes (for work that must happen once, such as webhooks).
   */
  public void onPublished(Consumer<GenerationEvent> listener) {
    originListeners.add(listener);
  }

  /** To every replica; delivered here only when the database cannot carry it. */
  public void publish(GenerationEvent event) {
    for (Consumer<GenerationEvent> listener : originListeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("Handling {} of {} failed: {}", event.type(), event.generationId(), e.toString());
      }
    }
    try {
      jdbc.queryForObject("SELECT pg_notify(?, ?)::text", String.class, CHANNEL, encode(event));
    } catch (DataAccessException e) {
      log.debug("Could not notify {} of {}: {}", CHANNEL, event.type(), e.getMessage());
      deliver(event);
    }
  }

  /** To this replica's subscribers. */
  void deliver(GenerationEvent event) {
    List<Consumer<GenerationEvent>> list =
        subscribers.getOrDefault(event.generationId(), List.of());
    for (Consumer<GenerationEvent> subscriber : concat(list, everything)) {
      try {
        subscriber.accept(event);
      } catch (RuntimeException e) {
        log.debug("A subscriber of {} failed: {}", event.generationId(), e.getMessage());
      }
    }
  }

  private static List<Consumer<GenerationEvent>> concat(
      List<Consumer<GenerationEvent>> a, List<Consumer<GenerationEvent>> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<Consumer<GenerationEvent>> all = new java.util.ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static String encode(GenerationEvent event) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", event.type());
    body.put("generationId", event.generationId().toString());
    body.put("data", event.data());
    String payload = JSON.writeValueAsString(body);
    if (payload.length() > MAX_PAYLOAD) {
      // subscribers re-read the generation when they need more than its id and kind
      body.put("data", Map.of("truncated", true));
      payload = JSON.writeValueAsString(body);
    }
    return payload;
  }

  /** Null for a payload that is not one of ours. */
  static @org.jspecify.annotations.Nullable GenerationEvent decode(String payload) {
    try {
      JsonNode node = JSON.readTree(payload);
      String type = node.path("type").asString(null);
      String id = node.path("generationId").asString(null);
      if (type == null || id == null) {
        return null;
      }
      Map<String, Object> data =
          node.has("data")
              ? JSON.convertValue(node.get("data"), new TypeReference<Map<String, Object>>() {})
              : Map.of();
      return new GenerationEvent(type, UUID.fromString(id), data);
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
