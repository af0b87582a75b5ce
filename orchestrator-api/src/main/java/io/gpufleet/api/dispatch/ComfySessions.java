package io.gpufleet.api.dispatch;

import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfyListener;
import io.gpufleet.comfy.ComfySession;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.scheduler.comfy.ComfyClients;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One ComfyUI WebSocket per server in this replica, opened under the replica's client id before the
 * first prompt goes there. Its events go to {@link RunEvents}.
 */
@Component
class ComfySessions {

  private static final Logger log = LoggerFactory.getLogger(ComfySessions.class);
  private static final long OPEN_WAIT_MILLIS = 3_000;

  private final ComfyClients clients;
  private final Replica replica;
  private final RunEvents events;
  private final Map<UUID, Open> sessions = new ConcurrentHashMap<>();

  private record Open(ComfySession session, String url) {}

  ComfySessions(ComfyClients clients, Replica replica, RunEvents events) {
    this.clients = clients;
    this.replica = replica;
    this.events = events;
  }

  /** Opens the server's session if needed and waits (bounded) until it is open. */
  void ensure(Server server) {
    String url = server.getAddresses().comfyUrl();
    Open open =
        sessions.compute(
            server.getId(),
            (id, current) -> {
              if (current != null
                  && current.url().equals(url)
                  && current.session().state() != ComfySession.State.CLOSED) {
                return current;
              }
              if (current != null) {
                current.session().close();
              }
              return new Open(
                  clients.forServer(server).connect(replica.id(), listener(id)),
                  String.valueOf(url));
            });
    long deadline = System.nanoTime() + OPEN_WAIT_MILLIS * 1_000_000;
    while (open.session().state() != ComfySession.State.OPEN && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private ComfyListener listener(UUID serverId) {
    return new ComfyListener() {
      @Override
      public void onEvent(ComfyEvent event) {
        try {
          events.on(serverId, event);
        } catch (RuntimeException e) {
          log.warn(
              "Could not handle {} from server {}", event.getClass().getSimpleName(), serverId, e);
        }
      }

      @Override
      public void onConnected(String clientId) {
        events.reconnected(serverId);
      }

      @Override
      public void onClosed(String reason) {
        log.info("ComfyUI socket of server {} closed: {}", serverId, reason);
        sessions.computeIfPresent(
            serverId,
            (id, open) -> open.session().state() == ComfySession.State.CLOSED ? null : open);
        events.reconnected(serverId);
      }
    };
  }

  @PreDestroy
  void closeAll() {
    sessions.values().forEach(open -> open.session().close());
    sessions.clear();
  }
}
