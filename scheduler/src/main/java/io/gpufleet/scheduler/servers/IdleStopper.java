package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * Stops servers that had no generation for their idle limit (per server, off by default). Idle
 * counts from the last generation, or from when the server last started running.
 */
@Service
public class IdleStopper {

  private static final Logger log = LoggerFactory.getLogger(IdleStopper.class);

  private final ServerRepository servers;
  private final ServerLifecycle lifecycle;
  private final ObjectProvider<DrainProbe> drainProbe;
  private final Clock clock;

  IdleStopper(
      ServerRepository servers,
      ServerLifecycle lifecycle,
      ObjectProvider<DrainProbe> drainProbe,
      Clock clock) {
    this.servers = servers;
    this.lifecycle = lifecycle;
    this.drainProbe = drainProbe;
    this.clock = clock;
  }

  /** Returns the ids of the servers it stopped. */
  public List<UUID> stopIdleServers() {
    Instant now = Instant.now(clock);
    DrainProbe work = drainProbe.getIfAvailable(() -> DrainProbe.NONE);
    List<UUID> stopped = new ArrayList<>();
    for (Server server : servers.findByStatusIn(List.of(ServerStatus.RUNNING))) {
      Integer minutes = server.getIdleStop().minutes();
      if (minutes == null || minutes <= 0 || server.getDrain().active()) {
        continue;
      }
      Instant since = server.getStateChangedAt();
      Instant lastActivity = server.getIdleStop().lastActivityAt();
      if (lastActivity != null && lastActivity.isAfter(since)) {
        since = lastActivity;
      }
      if (since.plus(Duration.ofMinutes(minutes)).isAfter(now)
          || work.activeWork(server.getId()) > 0) {
        continue;
      }
      log.info("Server {} has been idle for {} min; stopping it", server.getName(), minutes);
      try {
        lifecycle.stop(server.getId(), false);
        stopped.add(server.getId());
      } catch (RuntimeException e) {
        log.warn("Could not stop idle server {}: {}", server.getName(), e.getMessage());
      }
    }
    return stopped;
  }
}
