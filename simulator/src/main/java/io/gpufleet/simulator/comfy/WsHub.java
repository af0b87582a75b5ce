package io.gpufleet.simulator.comfy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The connected sockets by client id, and ComfyUI's targeting rules for sending to them. */
final class WsHub {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private final Map<String, Socket> sockets = new ConcurrentHashMap<>();
  private final Supplier<Integer> queueRemaining;
  private final Supplier<ObjectNode> serverFeatures;
  private volatile @Nullable String runningClient;
  private volatile @Nullable String runningNode;

  WsHub(Supplier<Integer> queueRemaining, Supplier<ObjectNode> serverFeatures) {
    this.queueRemaining = queueRemaining;
    this.serverFeatures = serverFeatures;
  }

  /** One connected socket; its first text frame may be the feature_flags handshake. */
  final class Socket implements Session.Listener.AutoDemanding {
    private final String clientId;
    private volatile @Nullable Session session;
    private volatile boolean firstFrameSeen;
    private volatile boolean previewMetadata;

    Socket(@Nullable String requestedId) {
      this.clientId =
          requestedId == null || requestedId.isEmpty()
              ? UUID.randomUUID().toString().replace("-", "")
              : requestedId;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      this.session = s;
      // Same quirk as ComfyUI: a reused id replaces the registration without closing the old one.
      sockets.put(clientId, this);
      ObjectNode data = MAPPER.createObjectNode();
      data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining.get());
      data.put("sid", clientId);
      sendJson("status", data);
      String node = runningNode;
      if (node != null && clientId.equals(runningClient)) {
        sendJson("executing", MAPPER.createObjectNode().put("node", node));
      }
    }

    @Override
    public void onWebSocketText(String message) {
      if (firstFrameSeen) {
        return;
      }
      firstFrameSeen = true;
      try {
        JsonNode msg = MAPPER.readTree(message);
        if ("feature_flags".equals(msg.path("type").asString(""))) {
          previewMetadata = msg.path("data").path("supports_preview_metadata").asBoolean(false);
          sendJson("feature_flags", serverFeatures.get());
        }
      } catch (RuntimeException ignored) {
        // ComfyUI ignores frames it cannot read.
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      sockets.remove(clientId, this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      sockets.remove(clientId, this);
    }

    void sendJson(String type, JsonNode data) {
      ObjectNode msg = MAPPER.createObjectNode();
      msg.put("type", type);
      msg.set("data", data);
      Session s = session;
      if (s != null && s.isOpen()) {
        synchronized (this) {
          s.sendText(MAPPER.writeValueAsString(msg), Callback.NOOP);
        }
      }
    }

    void sendBinary(byte[] frame) {
      Session s = session;
      if (s != null && s.isOpen()) {
        synchronized (this) {
          s.sendBinary(ByteBuffer.wrap(frame), Callback.NOOP);
        }
      }
    }

    void drop() {
      Session s = session;
      if (s != null) {
        s.disconnect();
      }
    }
  }

  /** What the running prompt's owner is told on reconnecting: the node being executed. */
  void setRunning(@Nullable String clientId, @Nullable String nodeId) {
    this.runningClient = clientId;
    this.runningNode = nodeId;
  }

  Socket newSocket(@Nullable String requestedId) {
    return new Socket(requestedId);
  }

  void broadcastStatus() {
    ObjectNode data = MAPPER.createObjectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", queueRemaining.get());
    sockets.values().forEach(s -> s.sendJson("status", data));
  }

  /** Owner-only message: dropped when the prompt has no client id or its socket is gone. */
  void toOwner(@Nullable String clientId, String type, JsonNode data) {
    if (clientId == null) {
      return;
    }
    Socket s = sockets.get(clientId);
    if (s != null) {
      s.sendJson(type, data);
    }
  }

  /** Owner if there is one, else everybody (progress, progress_state, interrupted). */
  void toOwnerOrAll(@Nullable String clientId, String type, JsonNode data) {
    if (clientId == null) {
      sockets.values().forEach(s -> s.sendJson(type, data));
    } else {
      toOwner(clientId, type, data);
    }
  }

  /** A preview frame: type 4 with metadata to sockets that asked for it, else type 1. */
  void preview(@Nullable String clientId, byte[] jpeg, ObjectNode metadata) {
    List<Socket> targets =
        clientId == null
            ? List.copyOf(sockets.values())
            : (sockets.get(clientId) == null ? List.of() : List.of(sockets.get(clientId)));
    for (Socket s : targets) {
      s.sendBinary(
          s.previewMetadata
              ? PreviewFrames.withMetadata(jpeg, metadata)
              : PreviewFrames.classic(jpeg));
    }
  }

  void dropAll() {
    List.copyOf(sockets.values()).forEach(Socket::drop);
    sockets.clear();
  }

  int connected() {
    return sockets.size();
  }
}
