package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.providers.ServerProviders;
import io.gpufleet.scheduler.servers.ServerEvents.ServerStateChanged;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Moves a server between states, logs it, and tells whoever listens. Always inside a transaction.
 */
@Component
class Transitions {

  private static final Logger log = LoggerFactory.getLogger(Transitions.class);

  private final ServerProviders providers;
  private final SchedulerSettings settings;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  Transitions(
      ServerProviders providers,
      SchedulerSettings settings,
      ApplicationEventPublisher events,
      Clock clock) {
    this.providers = providers;
    this.settings = settings;
    this.events = events;
    this.clock = clock;
  }

  void move(Server server, ServerStatus next, @Nullable String reason) {
    ServerStatus from = server.getStatus();
    Instant now = Instant.now(clock);
    server.moveTo(next, reason, now);
    if (from != next) {
      if (next == ServerStatus.ERROR) {
        log.warn("Server {} ({}) {} -> ERROR: {}", server.getName(), server.getId(), from, reason);
      } else {
        log.info("Server {} ({}) {} -> {}", server.getName(), server.getId(), from, next);
      }
      events.publishEvent(
          new ServerStateChanged(
              server.getId(), from, next, reason, server.getLease().pricePerHour(), now));
    }
  }

  /** Asks the provider to stop the machine and waits for it in STOPPING. */
  void requestStop(Server server) {
    providers.of(server).stop(server);
    Instant now = Instant.now(clock);
    server.stopDraining(now);
    server.setActionDeadline(now.plus(settings.stopTimeout()));
    move(server, ServerStatus.STOPPING, null);
  }

  Instant now() {
    return Instant.now(clock);
  }
}
