package io.gpufleet.api.live;

import io.gpufleet.api.users.AuthenticatedUser;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import tools.jackson.databind.json.JsonMapper;

/**
 * One open socket: who it is, what it follows (by generation or execution id, and perhaps
 * everything it may see), each with the call that ends the subscription.
 */
record LiveClient(
    WebSocketSession session,
    AuthenticatedUser user,
    Map<UUID, Runnable> subscriptions,
    AtomicReference<@Nullable Runnable> everything) {

  private static final Logger log = LoggerFactory.getLogger(LiveClient.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  LiveClient(WebSocketSession session, AuthenticatedUser user) {
    this(session, user, new ConcurrentHashMap<>(), new AtomicReference<>());
  }

  void send(Map<String, Object> message) {
    try {
      session.sendMessage(new TextMessage(JSON.writeValueAsString(message)));
    } catch (IOException | IllegalStateException e) {
      log.debug("Could not write to socket {}: {}", session.getId(), e.getMessage());
    }
  }

  void unsubscribe(UUID id) {
    Runnable off = subscriptions.remove(id);
    if (off != null) {
      off.run();
    }
  }

  void unsubscribeAll() {
    Runnable off = everything.getAndSet(null);
    if (off != null) {
      off.run();
    }
  }

  /** The socket closed: nothing it followed is delivered to it any more. */
  void close() {
    subscriptions.values().forEach(Runnable::run);
    subscriptions.clear();
    unsubscribeAll();
  }
}
