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
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * progress and the end).
 */
@Component
class GenerationSocketHandler extends TextWebSocketHandler {

  static final String USER = "gpufleet.user";
  private static final Logger log = LoggerFactory.getLogger(GenerationSocketHandler.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int BUFFER_LIMIT_BYTES = 512 * 1024;
  private static final int OWNERS_REMEMBERED = 10_000;

  private final GenerationEventBus bus;
  private final GenerationRepository generations;
  private final GenerationService service;
  private final SetupRunService setupRuns;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();
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

  private record Client(
      WebSocketSession session,
      AuthenticatedUser user,
      Map<UUID, Runnable> subscriptions,
      AtomicReference<@Nullable Runnable> everything) {

    void send(Map<String, Object> message) {
      try {
        session.sendMessage(new TextMessage(JSON.writeValueAsString(message)));
      } catch (IOException | IllegalStateException e) {
        log.debug("Could not write to socket {}: {}", session.getId(), e.getMessage());
      }
    }
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
        new Client(
            new ConcurrentWebSocketSessionDecorator(
                session, SEND_TIME_LIMIT_MILLIS, BUFFER_LIMIT_BYTES),
            user,
            new ConcurrentHashMap<>(),
            new AtomicReference<>()));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    Client client = clients.get(session.getId());
    if (client == null) {
      return;
    }
    JsonNode request;
    try {
      request = JSON.readTree(message.getPayload());
    } catch (JacksonException e) {
      client.send(error("BAD_MESSAGE", "Not JSON", null));
      return;
    }
    String type = request.path("type").asString("");
    List<UUID> ids = ids(client, request.path("generationIds"), "generation");
    List<UUID> executions = ids(client, request.path("executionIds"), "execution");
    boolean all = request.path("all").asBoolean(false);
    if (type.equals("subscribe")) {
      if (!executions.isEmpty() && !client.user().isAdmin()) {
        client.send(error("FORBIDDEN", "Only admins may follow setup runs", null));
        return;
      }
      if (all) {
        subscribeAll(client);
      }
      subscribeExecutions(client, executions);
      if (!ids.isEmpty() || (!all && executions.isEmpty())) {
        subscribe(client, ids);
      }
    } else if (type.equals("unsubscribe")) {
      if (all) {
        Runnable off = client.everything().getAndSet(null);
        if (off != null) {
          off.run();
        }
      }
      ids.forEach(id -> unsubscribe(client, id));
      executions.forEach(id -> unsubscribe(client, id));
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
      client.send(error("BAD_MESSAGE", "type must be subscribe or unsubscribe", null));
    }
  }

  private static List<UUID> ids(Client client, JsonNode list, String kind) {
    List<UUID> ids = new ArrayList<>();
    for (JsonNode id : list) {
      try {
        ids.add(UUID.fromString(id.asString("")));
      } catch (IllegalArgumentException e) {
        client.send(error("BAD_MESSAGE", "Not " + kind + " id: " + id, null));
      }
    }
    return ids;
  }

  /**
   * Every generation event an admin may see (the fleet's: the console's live queue), or a user's
   * own generations' events, new ones included; never setup runs'.
   */
  private void subscribeAll(Client client) {
    AuthenticatedUser user = client.user();
    client
        .everything()
        .updateAndGet(
            current ->
                current != null
                    ? current
                    : bus.subscribeAll(
                        event -> {
                          // a generation also followed by id hears it there, once
                          if (event.type().startsWith("generation.")
                              && !client.subscriptions().containsKey(event.generationId())
                              && (user.isAdmin()
                                  || user.id().equals(owner(event.generationId())))) {
                            client.send(message(event));
                          }
                        }));
    client.send(Map.of("type", "subscribed", "all", true));
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

  private void subscribeExecutions(Client client, List<UUID> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<UUID> accepted = new ArrayList<>();
    for (UUID id : ids) {
      ServerExecution execution;
      try {
        execution = setupRuns.get(id);
      } catch (SetupNotFoundException e) {
        client.send(executionError(id));
        continue;
      }
      client
          .subscriptions()
          .computeIfAbsent(id, key -> bus.subscribe(key, event -> client.send(message(event))));
      accepted.add(id);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "execution.state");
      state.put("executionId", id.toString());
      state.put("execution", ExecutionView.of(execution, false));
      client.send(state);
    }
    client.send(Map.of("type", "subscribed", "executionIds", accepted));
  }

  private static Map<String, Object> executionError(UUID id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "error");
    m.put("code", "EXECUTION_NOT_FOUND");
    m.put("message", "No setup run " + id);
    m.put("executionId", id.toString());
    return m;
  }

  private void subscribe(Client client, List<UUID> ids) {
    List<UUID> accepted = new ArrayList<>();
    for (UUID id : ids) {
      var found =
          generations
              .findById(id)
              .filter(g -> client.user().isAdmin() || g.getUserId().equals(client.user().id()));
      if (found.isEmpty()) {
        client.send(
            error(GenerationService.GENERATION_NOT_FOUND, "No generation " + id, id.toString()));
        continue;
      }
      client
          .subscriptions()
          .computeIfAbsent(id, key -> bus.subscribe(key, event -> client.send(message(event))));
      accepted.add(id);
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("type", "generation.state");
      state.put("generationId", id.toString());
      state.put("generation", service.view(found.get()));
      client.send(state);
    }
    client.send(Map.of("type", "subscribed", "generationIds", accepted));
  }

  private static void unsubscribe(Client client, UUID id) {
    Runnable off = client.subscriptions().remove(id);
    if (off != null) {
      off.run();
    }
  }

  static Map<String, Object> message(GenerationEvent event) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", event.type());
    m.put(
        event.type().startsWith("execution.") ? "executionId" : "generationId",
        event.generationId().toString());
    event.data().forEach(m::putIfAbsent);
    return m;
  }

  private static Map<String, Object> error(
      String code, String message, @Nullable String generationId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "error");
    m.put("code", code);
    m.put("message", message);
    if (generationId != null) {
      m.put("generationId", generationId);
    }
    return m;
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    Client client = clients.remove(session.getId());
    if (client != null) {
      client.subscriptions().values().forEach(Runnable::run);
      client.subscriptions().clear();
      Runnable off = client.everything().getAndSet(null);
      if (off != null) {
        off.run();
      }
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
