package io.gpufleet.api.generations;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationRepository;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
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

/**
 * {@code /api/v1/ws}: plain JSON. Clients send {@code {"type":"subscribe","generationIds":[..]}} or
 * {@code unsubscribe}; they hear {@code generation.state} once per subscription, then the same
 * events as the SSE stream, each with its {@code generationId}. Users reach their own generations,
 * admins all; anything else is answered as not found.
 */
@Component
class GenerationSocketHandler extends TextWebSocketHandler {

  static final String USER = "gpufleet.user";
  private static final Logger log = LoggerFactory.getLogger(GenerationSocketHandler.class);
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int BUFFER_LIMIT_BYTES = 512 * 1024;

  private final GenerationEventBus bus;
  private final GenerationRepository generations;
  private final GenerationService service;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  GenerationSocketHandler(
      GenerationEventBus bus, GenerationRepository generations, GenerationService service) {
    this.bus = bus;
    this.generations = generations;
    this.service = service;
  }

  private record Client(
      WebSocketSession session, AuthenticatedUser user, Map<UUID, Runnable> subscriptions) {

    void send(Map<String, Object> message) {
      try {
        session.sendMessage(new TextMessage(GenerationViews.JSON.writeValueAsString(message)));
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
            new ConcurrentHashMap<>()));
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    Client client = clients.get(session.getId());
    if (client == null) {
      return;
    }
    JsonNode request;
    try {
      request = GenerationViews.JSON.readTree(message.getPayload());
    } catch (JacksonException e) {
      client.send(error("BAD_MESSAGE", "Not JSON", null));
      return;
    }
    String type = request.path("type").asString("");
    List<UUID> ids = new ArrayList<>();
    for (JsonNode id : request.path("generationIds")) {
      try {
        ids.add(UUID.fromString(id.asString("")));
      } catch (IllegalArgumentException e) {
        client.send(error("BAD_MESSAGE", "Not a generation id: " + id, null));
      }
    }
    if (type.equals("subscribe")) {
      subscribe(client, ids);
    } else if (type.equals("unsubscribe")) {
      ids.forEach(id -> unsubscribe(client, id));
      client.send(Map.of("type", "unsubscribed", "generationIds", ids));
    } else {
      client.send(error("BAD_MESSAGE", "type must be subscribe or unsubscribe", null));
    }
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
    m.put("generationId", event.generationId().toString());
    event.data().forEach(m::putIfAbsent);
    return m;
  }

  private static Map<String, Object> error(
      String code, String message, @org.jspecify.annotations.Nullable String generationId) {
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
