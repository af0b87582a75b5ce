package io.gpufleet.simulator.comfy;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One connected socket of the simulator. Public only because Jetty calls listeners reflectively;
 * instances come from {@link WsHub}.
 */
public final class Socket implements Session.Listener.AutoDemanding {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private final WsHub hub;
  private final String clientId;
  private volatile @Nullable Session session;
  private volatile boolean firstFrameSeen;
  private volatile boolean previewMetadata;

  Socket(WsHub hub, @Nullable String requestedId) {
    this.hub = hub;
    this.clientId =
        requestedId == null || requestedId.isEmpty()
            ? UUID.randomUUID().toString().replace("-", "")
            : requestedId;
  }

  @Override
  public void onWebSocketOpen(Session s) {
    this.session = s;
    // Same quirk as ComfyUI: a reused id replaces the registration without closing the old one.
    hub.register(this);
    ObjectNode data = MAPPER.createObjectNode();
    data.putObject("status").putObject("exec_info").put("queue_remaining", hub.queueRemaining());
    data.put("sid", clientId);
    sendJson("status", data);
    String node = hub.runningNode();
    if (node != null && hub.isRunningOwner(clientId)) {
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
        sendJson("feature_flags", hub.serverFeatures());
      }
    } catch (RuntimeException ignored) {
      // ComfyUI ignores frames it cannot read.
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    hub.unregister(this);
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    hub.unregister(this);
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

  String clientId() {
    return clientId;
  }

  boolean previewMetadata() {
    return previewMetadata;
  }

  void drop() {
    Session s = session;
    if (s != null) {
      s.disconnect();
    }
  }
}
