package io.gpufleet.api.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Generation events for every replica: {@link #publish} stores each one in {@code
 * generation_events} under the next number and sends it through PostgreSQL {@code NOTIFY
 * gpufleet_events}; {@link PgEventChannel} hears them (ours included) and hands them to {@link
 * #heard}, which fans them out to this replica's subscribers, by generation id, once each. After
 * its LISTEN connection was down the channel replays what was stored meanwhile ({@link
 * #replayMissed}), and a subscriber may resume after the last number it saw ({@link
 * #subscribe(UUID, long, Consumer)}). Setup runs' events travel the same way, keyed by execution id
 * ({@link ExecutionEventRelay}).
 */
@Component
public class GenerationEventBus {

  static final String CHANNEL = "gpufleet_events";

  /** PostgreSQL refuses payloads of 8000 bytes or more; stay well below (with the number). */
  static final int MAX_PAYLOAD = 7_500;

  /**
   * How far before the highest number heard a replay starts: a transaction that took its number
   * earlier may have committed later than one we heard.
   */
  static final long REPLAY_SLACK = 1_000;

  private static final Logger log = LoggerFactory.getLogger(GenerationEventBus.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<UUID, List<Consumer<GenerationEvent>>> subscribers = new ConcurrentHashMap<>();
  private final List<Consumer<GenerationEvent>> originListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<GenerationEvent>> everything = new CopyOnWriteArrayList<>();
  private final SeenEvents heard = new SeenEvents(20_000, 0);
  private final EventLog events;

  GenerationEventBus(EventLog eventLog) {
    this.events = eventLog;
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

  /**
   * The stored events of {@code generation} numbered after {@code after}, then its live ones, each
   * once and in order; the answer unsubscribes.
   */
  public Runnable subscribe(UUID generation, long after, Consumer<GenerationEvent> subscriber) {
    ResumingSubscriber resuming = new ResumingSubscriber(subscriber, after);
    Runnable off = subscribe(generation, resuming);
    resuming.replayed(stored(() -> events.since(generation, after)));
    return off;
  }

  /** Every event this replica hears, whatever its subject; the answer unsubscribes. */
  public Runnable subscribeAll(Consumer<GenerationEvent> subscriber) {
    everything.add(subscriber);
    return () -> everything.remove(subscriber);
  }

  /** Every stored event after {@code after}, then every live one; the answer unsubscribes. */
  public Runnable subscribeAll(long after, Consumer<GenerationEvent> subscriber) {
    ResumingSubscriber resuming = new ResumingSubscriber(subscriber, after);
    Runnable off = subscribeAll(resuming);
    resuming.replayed(stored(() -> events.since(after)));
    return off;
  }

  /**
   * Hears each event once in the whole fleet: in the replica that made the transition, when it
   * publishes (for work that must happen once, such as webhooks).
   */
  public void onPublished(Consumer<GenerationEvent> listener) {
    originListeners.add(listener);
  }

  /**
   * To every replica, numbered; delivered here only, unnumbered, when the database cannot take it.
   */
  public void publish(GenerationEvent event) {
    for (Consumer<GenerationEvent> listener : originListeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        log.warn("Handling {} of {} failed: {}", event.type(), event.generationId(), e.toString());
      }
    }
    try {
      events.append(event, CHANNEL, encode(event));
    } catch (DataAccessException e) {
      log.debug("Could not store {} of {}: {}", event.type(), event.generationId(), e.getMessage());
      deliver(event);
    }
  }

  /**
   * Events of distinct generations (a batch of submissions), stored and notified in one statement
   * of the caller's transaction; a database that cannot take them fails the caller.
   */
  public void publishAll(List<GenerationEvent> batch) {
    List<String> payloads = new ArrayList<>(batch.size());
    for (GenerationEvent event : batch) {
      for (Consumer<GenerationEvent> listener : originListeners) {
        try {
          listener.accept(event);
        } catch (RuntimeException e) {
          log.warn(
              "Handling {} of {} failed: {}", event.type(), event.generationId(), e.toString());
        }
      }
      payloads.add(encode(event));
    }
    events.appendAll(batch, CHANNEL, payloads);
  }

  /** A notification's payload: decoded (its data re-read when it did not fit) and delivered. */
  void heard(String payload) {
    GenerationEvent event = decode(payload);
    if (event == null) {
      return;
    }
    long seq = event.sequence();
    if (seq > 0 && Boolean.TRUE.equals(event.data().get(PARTIAL))) {
      List<GenerationEvent> full = stored(() -> events.get(seq).stream().toList());
      deliver(full.isEmpty() ? event : full.get(0));
    } else {
      deliver(event);
    }
  }

  /** The LISTEN connection is open for the first time: numbers up to now are history. */
  void listeningFromNow() {
    heard.raiseTo(events.latest());
  }

  /**
   * The LISTEN connection is open again: hands on what was stored while it was down (and a little
   * before, see {@link #REPLAY_SLACK}); answers how many events that was.
   */
  int replayMissed() {
    long from = Math.max(0, heard.highest() - REPLAY_SLACK);
    int replayed = 0;
    for (GenerationEvent event : events.since(from)) {
      if (deliver(event)) {
        replayed++;
      }
    }
    return replayed;
  }

  /** To this replica's subscribers, unless it was handed on already; answers whether it was. */
  boolean deliver(GenerationEvent event) {
    if (!heard.first(event.sequence())) {
      return false;
    }
    List<Consumer<GenerationEvent>> list =
        subscribers.getOrDefault(event.generationId(), List.of());
    for (Consumer<GenerationEvent> subscriber : concat(list, everything)) {
      try {
        subscriber.accept(event);
      } catch (RuntimeException e) {
        log.debug("A subscriber of {} failed: {}", event.generationId(), e.getMessage());
      }
    }
    return true;
  }

  private static List<GenerationEvent> stored(
      java.util.function.Supplier<List<GenerationEvent>> read) {
    try {
      return read.get();
    } catch (DataAccessException e) {
      log.warn("Could not read stored events: {}", e.getMessage());
      return List.of();
    }
  }

  private static List<Consumer<GenerationEvent>> concat(
      List<Consumer<GenerationEvent>> a, List<Consumer<GenerationEvent>> b) {
    if (b.isEmpty()) {
      return a;
    }
    List<Consumer<GenerationEvent>> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /** Marks a notification whose data was left out: the row has it. */
  static final String PARTIAL = "gpufleet.partial";

  static String encode(GenerationEvent event) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", event.type());
    body.put("generationId", event.generationId().toString());
    body.put("data", event.data());
    String payload = JSON.writeValueAsString(body);
    if (payload.length() > MAX_PAYLOAD) {
      body.put("data", Map.of(PARTIAL, true));
      payload = JSON.writeValueAsString(body);
    }
    return payload;
  }

  /**
   * Null for a payload that is not one of ours. A payload is {@code <seq> <json>} (or the bare JSON
   * of a replica from before events were numbered).
   */
  static @Nullable GenerationEvent decode(String payload) {
    long seq = 0;
    String json = payload;
    int space = payload.indexOf(' ');
    if (space > 0 && !payload.startsWith("{")) {
      try {
        seq = Long.parseLong(payload.substring(0, space));
      } catch (NumberFormatException e) {
        return null;
      }
      json = payload.substring(space + 1);
    }
    try {
      JsonNode node = JSON.readTree(json);
      String type = node.path("type").asString(null);
      String id = node.path("generationId").asString(null);
      if (type == null || id == null) {
        return null;
      }
      Map<String, Object> data =
          node.has("data")
              ? JSON.convertValue(node.get("data"), new TypeReference<Map<String, Object>>() {})
              : Map.of();
      return new GenerationEvent(type, UUID.fromString(id), data, seq);
    } catch (JacksonException | IllegalArgumentException e) {
      return null;
    }
  }
}
