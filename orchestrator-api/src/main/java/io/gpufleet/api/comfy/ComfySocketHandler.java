package io.gpufleet.api.comfy;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.AbstractWebSocketHandler;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /comfy/ws?clientId=}: first the caller's {@code status} with the socket's {@code sid},
 * then {@code executing} if a prompt of this client id is running; a first frame {@code
 * feature_flags} is answered with the server's flags (and {@code supports_preview_metadata} turns
 * previews into type-4 frames); every other frame is ignored, as ComfyUI ignores them. What the
 * socket hears of prompts is {@link ComfyRelay}'s.
 */
@Component
class ComfySocketHandler extends AbstractWebSocketHandler {

  static final String USER = "gpufleet.comfy.user";
  static final String CLIENT_ID = "gpufleet.comfy.clientId";
  private static final int SEND_TIME_LIMIT_MILLIS = 10_000;
  private static final int BUFFER_LIMIT_BYTES = 8 * 1024 * 1024;

  private final ComfyRelay relay;
  private final ComfyPrompts prompts;
  private final GenerationRepository generations;
  private final Environment environment;
  private final Map<String, ComfySocket> open = new ConcurrentHashMap<>();

  ComfySocketHandler(
      ComfyRelay relay,
      ComfyPrompts prompts,
      GenerationRepository generations,
      Environment environment) {
    this.relay = relay;
    this.prompts = prompts;
    this.generations = generations;
    this.environment = environment;
  }

  @Override
  public void afterConnectionEstablished(WebSocketSession session) {
    AuthenticatedUser user = (AuthenticatedUser) session.getAttributes().get(USER);
    String clientId = (String) session.getAttributes().get(CLIENT_ID);
    ComfySocket socket =
        new ComfySocket(
            new ConcurrentWebSocketSessionDecorator(
                session, SEND_TIME_LIMIT_MILLIS, BUFFER_LIMIT_BYTES),
            user,
            clientId);
    open.put(session.getId(), socket);
    relay.add(socket);
    ObjectNode status = relay.status(user.id());
    status.put("sid", clientId);
    socket.send("status", status);
    for (ComfyPrompts.Prompt p : prompts.active(user.id())) {
      if (!clientId.equals(p.clientId())) {
        continue;
      }
      Generation g = generations.findById(p.generationId()).orElse(null);
      if (g != null && g.getStatus() == GenerationStatus.RUNNING) {
        ComfySocket.Told told = socket.told(g.getId());
        told.started = true;
        told.node = g.getProgress().nodeId();
        if (told.node != null) {
          ObjectNode executing = ComfyPrompts.JSON.createObjectNode();
          executing.put("node", told.node);
          socket.send("executing", executing);
        }
      }
    }
  }

  @Override
  protected void handleTextMessage(WebSocketSession session, TextMessage message) {
    ComfySocket socket = open.get(session.getId());
    if (socket == null || !socket.firstFrame()) {
      return;
    }
    JsonNode frame;
    try {
      frame = ComfyPrompts.JSON.readTree(message.getPayload());
    } catch (JacksonException e) {
      return;
    }
    if ("feature_flags".equals(frame.path("type").asString(""))) {
      socket.wantsPreviewMetadata(
          frame.path("data").path("supports_preview_metadata").asBoolean(false));
      socket.send("feature_flags", ComfyDiscoveryController.features(environment));
    }
  }

  @Override
  public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
    ComfySocket socket = open.remove(session.getId());
    if (socket != null) {
      relay.remove(socket);
    }
  }

  /** A fresh id like ComfyUI's (32 hex characters) for a socket that named none. */
  static String newClientId() {
    return UUID.randomUUID().toString().replace("-", "");
  }
}
