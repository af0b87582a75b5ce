package io.gpufleet.api.comfy;

import io.gpufleet.api.users.AuthenticatedUser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code /comfy/ws} socket: whose it is, the client id it registered under, whether it asked
 * for previews with metadata (the feature_flags handshake), and what it has been told of each
 * prompt so far (so that execution_start is sent once, and executing only when the node changes).
 */
final class ComfySocket {

  private static final Logger log = LoggerFactory.getLogger(ComfySocket.class);

  /** ComfyUI's binary event types and image formats. */
  static final int PREVIEW_IMAGE = 1;

  static final int PREVIEW_IMAGE_WITH_METADATA = 4;

  private final WebSocketSession session;
  private final AuthenticatedUser user;
  private final String clientId;
  private volatile boolean previewMetadata;
  private volatile boolean spoken;
  private final Map<UUID, Told> told = new ConcurrentHashMap<>();

  ComfySocket(WebSocketSession session, AuthenticatedUser user, String clientId) {
    this.session = session;
    this.user = user;
    this.clientId = clientId;
  }

  /** What this socket heard of one prompt. */
  static final class Told {
    boolean started;
    @Nullable String node;
    final List<String> executed = new ArrayList<>();
  }

  AuthenticatedUser user() {
    return user;
  }

  String clientId() {
    return clientId;
  }

  String id() {
    return session.getId();
  }

  Told told(UUID prompt) {
    return told.computeIfAbsent(prompt, p -> new Told());
  }

  void forget(UUID prompt) {
    told.remove(prompt);
  }

  /** The client's first frame is its only chance at the handshake, as in ComfyUI. */
  boolean firstFrame() {
    boolean first = !spoken;
    spoken = true;
    return first;
  }

  void wantsPreviewMetadata(boolean on) {
    previewMetadata = on;
  }

  void send(String type, JsonNode data) {
    ObjectNode message = ComfyPrompts.JSON.createObjectNode();
    message.put("type", type);
    message.set("data", data);
    try {
      session.sendMessage(new TextMessage(ComfyPrompts.JSON.writeValueAsString(message)));
    } catch (IOException | IllegalStateException e) {
      log.debug("Could not write to ComfyUI socket {}: {}", session.getId(), e.getMessage());
    }
  }

  /**
   * A preview as ComfyUI frames it: type 1 with the 4-byte format (1 JPEG, 2 PNG) for classic
   * clients, type 4 with its JSON metadata for those that asked for it.
   */
  void sendPreview(String mediaType, byte[] image, UUID prompt, @Nullable String node) {
    ByteBuffer frame;
    if (previewMetadata) {
      ObjectNode meta = ComfyPrompts.JSON.createObjectNode();
      meta.put("node_id", node);
      meta.put("prompt_id", prompt.toString());
      meta.put("display_node_id", node);
      meta.putNull("parent_node_id");
      meta.put("real_node_id", node);
      meta.put("image_type", mediaType);
      byte[] json = ComfyPrompts.JSON.writeValueAsString(meta).getBytes(StandardCharsets.UTF_8);
      frame = ByteBuffer.allocate(8 + json.length + image.length);
      frame.putInt(PREVIEW_IMAGE_WITH_METADATA).putInt(json.length).put(json);
    } else {
      frame = ByteBuffer.allocate(8 + image.length);
      frame.putInt(PREVIEW_IMAGE).putInt(mediaType.contains("png") ? 2 : 1);
    }
    frame.put(image).flip();
    try {
      session.sendMessage(new BinaryMessage(frame));
    } catch (IOException | IllegalStateException e) {
      log.debug("Could not write a preview to socket {}: {}", session.getId(), e.getMessage());
    }
  }

  void close() {
    try {
      session.close();
    } catch (IOException e) {
      // already gone
    }
  }
}
