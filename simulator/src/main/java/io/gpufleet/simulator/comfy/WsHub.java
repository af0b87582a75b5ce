package io.gpufleet.simulator.comfy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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

  void register(Socket socket) {
    sockets.put(socket.clientId(), socket);
  }

  void unregister(Socket socket) {
    sockets.remove(socket.clientId(), socket);
  }

  int queueRemaining() {
    return queueRemaining.get();
  }

  ObjectNode serverFeatures() {
    return serverFeatures.get();
  }

  boolean isRunningOwner(String clientId) {
    return clientId.equals(runningClient);
  }

  @Nullable String runningNode() {
    return runningNode;
  }

  /** What the running prompt's owner is told on reconnecting: the node being executed. */
  void setRunning(@Nullable String clientId, @Nullable String nodeId) {
    this.runningClient = clientId;
    this.runningNode = nodeId;
  }

  Socket newSocket(@Nullable String requestedId) {
    return new Socket(this, requestedId);
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

  /**
   * A preview frame (a sampler's JPEG, SaveImageWebsocket's PNG). The owner gets type 4 with
   * metadata if it asked for it in its feature flags, else type 1; a prompt without a client id
   * broadcasts type 1, as ComfyUI does.
   */
  void preview(@Nullable String clientId, byte[] image, boolean png, ObjectNode metadata) {
    if (clientId == null) {
      byte[] frame = PreviewFrames.classic(image, png);
      sockets.values().forEach(s -> s.sendBinary(frame));
      return;
    }
    Socket s = sockets.get(clientId);
    if (s != null) {
      s.sendBinary(
          s.previewMetadata()
              ? PreviewFrames.withMetadata(image, png, metadata)
              : PreviewFrames.classic(image, png));
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
