package io.gpufleet.api.live;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.setup.ExecutionView;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.setup.ServerExecution;
import io.gpufleet.scheduler.setup.SetupNotFoundException;
import io.gpufleet.scheduler.setup.SetupRunService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /api/v1/ws}: plain JSON. Clients send {@code {"type":"subscribe","generationIds":[..]}} or
 * {@code unsubscribe}; they hear {@code generation.state} once per subscription, then the same
 * events as the SSE stream, each with its {@code generationId}. Users reach their own generations,
 * admins all; anything else is answered as not found. {@code "all": true} follows every generation
 * the caller may see as it comes (a user's own, the whole fleet's for admins), new ones included;
 * admins may also follow {@code "executionIds"} (setup runs: {@code execution.state}, then output,
 * progress and the end). Every event carries its number, {@code seq}; a subscription with {@code
 * "after": n} first hears the stored events numbered after {@code n} (a client that reconnects
 * resumes where it was, on any replica), then the live ones.
 */
@Component
class GenerationSocketHandler extends TextWebSocketHandler {

  static final String USER = "gpufleet.user";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int BUFFER_LIMIT_BYTES = 512 * 1024;
  private static final int OWNERS_REMEMBERED = 10_000;

  private final GenerationEventBus bus;
  private final GenerationRepository generations;
  private final GenerationService service;
  private final SetupRunService setupRuns;
  private final Map<String, LiveClient> clients = new ConcurrentHashMap<>();
  private final Map<UUID, UUID> owners =
      java.util.Collections.synchronizedMap(
          new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, UUID> eldest) {
              return size() > OWNERS_REMEMBERED;
            }
          });

  GenerationSocketHandler(
      GenerationEventBus bus,
      GenerationRepository generations,
      GenerationService service,
      SetupRunService setupRuns) {
    this.bus = bus;
    this.generations = generations;
    this.service = service;
    this.setupRuns = setupRuns;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    AuthenticatedUser user = (AuthenticatedUser) session.getAttributes().get(USER);
    if (user == null) {
      close(session, CloseStatus.POLICY_VIOLATION);
      return;
    }
    clients.put(
        session.getId(),
        new LiveClient(
            new ConcurrentWebSocketSessionDecorator(
                session, SEND_TIME_LIMIT_MILLIS, BUFFER_LIMIT_BYTES),
            user));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    LiveClient client = clients.get(session.getId());
    if (client == null) {
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(message.getPayload());
    } catch (JacksonException e) {
      client.send(LiveMessages.error(LiveMessages.BAD_MESSAGE, "Not JSON", null));
      return;
    }
    String type = request.path("type").asString("");
    List<UUID> ids = ids(client, request.path("generationIds"), "generation");
    List<UUID> executions = ids(client, request.path("executionIds"), "execution");
    boolean all = request.path("all").asBoolean(false);
    Long after = request.path("after").canConvertToLong() ? request.path("after").asLong() : null;
    if (type.equals("subscribe")) {
      if (!executions.isEmpty() && !client.user().isAdmin()) {
        client.send(LiveMessages.error("FORBIDDEN", "Only admins may follow setup runs", null));
        return;
      }
      if (all) {
        subscribeAll(client, after);
      }
      subscribeExecutions(client, executions, after);
      if (!ids.isEmpty() || (!all && executions.isEmpty())) {
        subscribe(client, ids, after);
      }
    } else if (type.equals("unsubscribe")) {
      if (all) {
        client.unsubscribeAll();
      }
      ids.forEach(client::unsubscribe);
      executions.forEach(client::unsubscribe);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("type", "unsubscribed");
      answer.put("generationIds", ids);
      if (!executions.isEmpty()) {
        answer.put("executionIds", executions);
      }
      if (all) {
        answer.put("all", true);
      }
      client.send(answer);
    } else {
      client.send(
          LiveMessages.error(
              LiveMessages.BAD_MESSAGE, "type must be subscribe or unsubscribe", null));
    }
  }

  private static List<UUID> ids(LiveClient client, JsonNode list, String kind) {
    List<UUID> ids = new ArrayList<>();
    for (JsonNode id : list) {
      try {
        ids.add(UUID.fromString(id.asString("")));
      } catch (IllegalArgumentException e) {
        client.send(
            LiveMessages.error(LiveMessages.BAD_MESSAGE, "Not " + kind + " id: " + id, null));
      }
    }
    return ids;
  }

  /**
   * Every generation event an admin may see (the fleet's: the console's live queue), or a user's
   * own generations' events, new ones included; never setup runs'.
   */
  private void subscribeAll(LiveClient client, @Nullable Long after) {
    AuthenticatedUser user = client.user();
    java.util.function.Consumer<GenerationEvent> forward =
        event -> {
          // a generation also followed by id hears it there, once
          if (event.type().startsWith("generation.")
              && !client.subscriptions().containsKey(event.generationId())
              && (user.isAdmin() || user.id().equals(owner(event.generationId())))) {
            client.send(LiveMessages.of(event));
          }
        };
    client.send(Map.of("type", "subscribed", "all", true));
    client
        .everything()
        .updateAndGet(
            current ->
                current != null
                    ? current
                    : after == null ? bus.subscribeAll(forward) : bus.subscribeAll(after, forward));
  }

  private Runnable follow(LiveClient client, UUID id, @Nullable Long after) {
    java.util.function.Consumer<GenerationEvent> forward =
        event -> client.send(LiveMessages.of(event));
    return after == null ? bus.subscribe(id, forward) : bus.subscribe(id, after, forward);
  }

  /** Who owns a generation: read once per generation and replica, then remembered. */
  private @Nullable UUID owner(UUID generation) {
    UUID known = owners.get(generation);
    if (known != null) {
      return known;
    }
    UUID found = generations.findById(generation).map(g -> g.getUserId()).orElse(null);
    if (found != null) {
      owners.put(generation, found);
    }
    return found;
  }

  private void subscribeExecutions(LiveClient client, List<UUID> ids, @Nullable Long after) {
    if (ids.isEmpty()) {
      return;
    }
    List<UUID> accepted = new ArrayList<>();
    for (UUID id : ids) {
      ServerExecution execution;
      try {
        execution = setupRuns.get(id);
      } catch (SetupNotFoundException e) {
        client.send(LiveMessages.executionNotFound(id));
        continue;
      }
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "execution.state");
      state.put("executionId", id.toString());
      state.put("execution", ExecutionView.of(execution, false));
      if (after != null) {
        client.send(state); // the state, then what it missed since "after", then live
      }
      client.subscriptions().computeIfAbsent(id, key -> follow(client, key, after));
      accepted.add(id);
      if (after == null) {
        client.send(state);
      }
    }
    client.send(Map.of("type", "subscribed", "executionIds", accepted));
  }

  private void subscribe(LiveClient client, List<UUID> ids, @Nullable Long after) {
    List<UUID> accepted = new ArrayList<>();
    for (UUID id : ids) {
      var found =
          generations
              .findById(id)
              .filter(g -> client.user().isAdmin() || g.getUserId().equals(client.user().id()));
      if (found.isEmpty()) {
        client.send(
            LiveMessages.error(
                GenerationService.GENERATION_NOT_FOUND, "No generation " + id, id.toString()));
        continue;
      }
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "generation.state");
      state.put("generationId", id.toString());
      state.put("generation", service.view(found.get()));
      if (after != null) {
        client.send(state); // the state, then what it missed since "after", then live
      }
      client.subscriptions().computeIfAbsent(id, key -> follow(client, key, after));
      accepted.add(id);
      if (after == null) {
        client.send(state);
      }
    }
    client.send(Map.of("type", "subscribed", "generationIds", accepted));
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    LiveClient client = clients.remove(session.getId());
    if (client != null) {
      client.close();
    }
  }

  private static void close(WebSocketSession session, CloseStatus status) {
    try {
      session.close(status);
    } catch (IOException e) {
      // already gone
    }
  }
}
