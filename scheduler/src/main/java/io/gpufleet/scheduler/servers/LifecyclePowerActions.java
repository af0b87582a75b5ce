package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.schedules.ScheduledPowerActions;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What a schedule's trigger does: start a stopped server, or stop a running one with a drain.
 * Guards (such as a budget) may refuse a start.
 */
@Component
public class LifecyclePowerActions implements ScheduledPowerActions {

  private static final Logger log = LoggerFactory.getLogger(LifecyclePowerActions.class);

  private final ServerLifecycle lifecycle;
  private final ServerRepository servers;
  private final ObjectProvider<StartGuard> guards;

  LifecyclePowerActions(
      ServerLifecycle lifecycle, ServerRepository servers, ObjectProvider<StartGuard> guards) {
    this.lifecycle = lifecycle;
    this.servers = servers;
    this.guards = guards;
  }

  @Override
  public void scheduledStart(UUID serverId) {
    ServerStatus status = servers.findById(serverId).map(s -> s.getStatus()).orElse(null);
    if (status != ServerStatus.STOPPED) {
      log.info("Scheduled start of server {} skipped: it is {}", serverId, status);
      return;
    }
    lifecycle.start(serverId);
  }

  @Override
  public void scheduledStop(UUID serverId) {
    ServerStatus status = servers.findById(serverId).map(s -> s.getStatus()).orElse(null);
    if (status != ServerStatus.RUNNING && status != ServerStatus.STARTING) {
      log.info("Scheduled stop of server {} skipped: it is {}", serverId, status);
      return;
    }
    lifecycle.stop(serverId, true);
  }

  @Override
  public Optional<String> refuseScheduledStart(UUID serverId) {
    return guards
        .orderedStream()
        .map(guard -> guard.refuseStart(serverId))
        .flatMap(Optional::stream)
        .findFirst();
  }

  /** Something that may forbid starting a server now (a spent budget). */
  public interface StartGuard {
    Optional<String> refuseStart(UUID serverId);
  }
}
