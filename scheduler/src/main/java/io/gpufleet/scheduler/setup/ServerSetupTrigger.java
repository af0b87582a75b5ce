package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.providers.ServerProviders;
import io.gpufleet.scheduler.servers.ServerEvents.ServerBecameRunning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Sets a server up when its machine starts running: the first time when it asks for automatic
 * setup, and every time once it was set up, because a restarted container has lost its running
 * ComfyUI service (the install script is idempotent and restarts it).
 */
@Component
class ServerSetupTrigger {

  private static final Logger log = LoggerFactory.getLogger(ServerSetupTrigger.class);

  private final ServerRepository servers;
  private final SetupRunService runs;
  private final ServerProviders providers;

  ServerSetupTrigger(ServerRepository servers, SetupRunService runs, ServerProviders providers) {
    this.servers = servers;
    this.runs = runs;
    this.providers = providers;
  }

  @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
  void serverBecameRunning(ServerBecameRunning event) {
    Server server = servers.findById(event.serverId()).orElse(null);
    if (server == null || !(event.needsSetup() || server.getSetup().done())) {
      return;
    }
    boolean registered =
        providers
            .find(server.getProvider())
            .map(p -> !p.capabilities(server).rents())
            .orElse(false);
    if (registered) {
      return; // a registered box is the admin's: its ComfyUI runs, nothing of ours is installed
    }
    if (runs.hasActiveRun(server.getId())) {
      return;
    }
    try {
      runs.startSetup(server.getId());
    } catch (SetupConflictException e) {
      log.info("No setup run for server {}: {}", server.getName(), e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Could not start the setup of server {}: {}", server.getName(), e.getMessage());
    }
  }
}
