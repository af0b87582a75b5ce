package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.Access;
import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.Capacity;
import io.gpufleet.persistence.servers.DesiredState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.providers.ServerProvider;
import io.gpufleet.scheduler.providers.ServerProviders;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What admins and schedules do to servers. Each action records the intent and the first step in one
 * transaction; the {@link Reconciler} carries the server the rest of the way.
 */
@Service
public class ServerLifecycle {

  private static final Set<ServerStatus> STARTABLE = EnumSet.of(ServerStatus.STOPPED);
  private static final Set<ServerStatus> STOPPABLE =
      EnumSet.of(ServerStatus.RUNNING, ServerStatus.STARTING, ServerStatus.LOADING);

  private final ServerRepository servers;
  private final ServerProviders providers;
  private final Transitions transitions;
  private final SchedulerSettings settings;
  private final ApplicationEventPublisher events;
  private final Clock clock;

  ServerLifecycle(
      ServerRepository servers,
      ServerProviders providers,
      Transitions transitions,
      SchedulerSettings settings,
      ApplicationEventPublisher events,
      Clock clock) {
    this.servers = servers;
    this.providers = providers;
    this.transitions = transitions;
    this.settings = settings;
    this.events = events;
    this.clock = clock;
  }

  /** Records a new server in PROVISIONING; the reconciler rents its machine. */
  @Transactional
  public Server create(NewServer request) {
    ServerProvider provider = provider(request.provider());
    requireFreeName(request.name());
    Instant now = Instant.now(clock);
    Server server = new Server(request.name(), provider.name(), request.spec(), now);
    server.setEngine(request.engine());
    if (!provider.capabilities(server).rents()) {
      throw new ServerConflictException(
          "PROVIDER_UNKNOWN", "Provider '" + provider.name() + "' does not rent servers");
    }
    if (request.offerId() != null) {
      server.chooseOffer(request.offerId(), now);
    }
    server.setSetup(request.setupScriptId(), request.autoSetup(), now);
    server.setIdleStopMinutes(request.idleStopMinutes(), now);
    server.setActionDeadline(now.plus(settings.provisionTimeout()));
    Server saved = servers.saveAndFlush(server);
    events.publishEvent(new ServerCommanded(saved.getId()));
    return saved;
  }

  /** Starts a stopped server. */
  @Transactional
  public Server start(UUID id) {
    Server server = lock(id);
    if (server.getStatus() == ServerStatus.RUNNING || server.getStatus() == ServerStatus.STARTING) {
      server.want(DesiredState.RUNNING, Instant.now(clock));
      server.stopDraining(Instant.now(clock));
      return server;
    }
    if (!STARTABLE.contains(server.getStatus())) {
      throw new ServerConflictException(
          "SERVER_STATE_CONFLICT",
          "Server "
              + server.getName()
              + " is "
              + server.getStatus()
              + "; only a STOPPED server starts");
    }
    ServerProvider provider = providers.of(server);
    requireStartStop(provider, server);
    provider.start(server);
    Instant now = Instant.now(clock);
    server.want(DesiredState.RUNNING, now);
    server.setActionDeadline(now.plus(settings.startTimeout()));
    transitions.move(server, ServerStatus.STARTING, null);
    events.publishEvent(new ServerCommanded(id));
    return server;
  }

  /**
   * Stops a server. With {@code drain}, it first takes no new generations and lets running ones
   * finish, up to the drain limit; without, it stops now.
   */
  @Transactional
  public Server stop(UUID id, boolean drain) {
    Server server = lock(id);
    Instant now = Instant.now(clock);
    if (server.getStatus() == ServerStatus.STOPPED || server.getStatus() == ServerStatus.STOPPING) {
      server.want(DesiredState.STOPPED, now);
      return server;
    }
    if (!STOPPABLE.contains(server.getStatus())) {
      throw new ServerConflictException(
          "SERVER_STATE_CONFLICT",
          "Server " + server.getName() + " is " + server.getStatus() + " and cannot be stopped");
    }
    requireStartStop(providers.of(server), server);
    server.want(DesiredState.STOPPED, now);
    if (drain && server.getStatus() == ServerStatus.RUNNING) {
      server.startDraining(now.plus(settings.drainTimeout()), now);
    } else {
      transitions.requestStop(server);
    }
    events.publishEvent(new ServerCommanded(id));
    return server;
  }

  /** Destroys the server's machine; the row stays, DESTROYED, for history and costs. */
  @Transactional
  public Server destroy(UUID id) {
    Server server = lock(id);
    if (server.getStatus() == ServerStatus.DESTROYED) {
      return server;
    }
    server.want(DesiredState.DESTROYED, Instant.now(clock));
    transitions.move(server, ServerStatus.DESTROYING, null);
    events.publishEvent(new ServerCommanded(id));
    return server;
  }

  /**
   * Rents an equivalent machine for a server in ERROR (its GPU was taken, its machine died),
   * keeping its identity, schedule and setup script.
   */
  @Transactional
  public Server reprovision(UUID id) {
    Server server = lock(id);
    if (server.getStatus() != ServerStatus.ERROR) {
      throw new ServerConflictException(
          "SERVER_STATE_CONFLICT",
          "Only a server in ERROR is re-provisioned; "
              + server.getName()
              + " is "
              + server.getStatus());
    }
    ServerProvider provider = providers.of(server);
    if (!provider.capabilities(server).rents()) {
      throw new ServerConflictException(
          "PROVIDER_UNSUPPORTED", "Provider '" + provider.name() + "' cannot rent a new machine");
    }
    provider.destroy(server); // the broken machine, if any; nothing is billed for it from now on
    Instant now = Instant.now(clock);
    server.forgetRental(now);
    server.want(DesiredState.RUNNING, now);
    server.stopDraining(now);
    server.setActionDeadline(now.plus(settings.provisionTimeout()));
    transitions.move(server, ServerStatus.PROVISIONING, null);
    events.publishEvent(new ServerCommanded(id));
    return server;
  }

  /**
   * Registers a server that exists already (a ComfyUI reachable by URL); the reconciler brings it
   * to RUNNING. It needs no setup: its ComfyUI runs.
   */
  @Transactional
  public Server register(NewRegisteredServer request) {
    ServerProvider provider = provider(request.provider());
    requireFreeName(request.name());
    Instant now = Instant.now(clock);
    Server server =
        new Server(
            request.name(),
            provider.name(),
            new ServerSpec(null, 1, null, null, 0, null, null, null, null),
            now);
    server.setEngine(request.engine());
    server.recordEndpoints(
        new Addresses(
            null, request.comfyUrl(), request.sshHost(), request.sshPort(), request.ollamaUrl()),
        now);
    server.setAccess(
        new Access(
            request.encryptedToken(),
            request.sshUser(),
            request.startCommand(),
            request.stopCommand()));
    server.setPricePerHour(request.pricePerHour(), now);
    server.setSetup(null, false, now);
    server.markSetUp(true, now);
    server.setIdleStopMinutes(request.idleStopMinutes(), now);
    server.setActionDeadline(now.plus(settings.provisionTimeout()));
    Server saved = servers.saveAndFlush(server);
    events.publishEvent(new ServerCommanded(saved.getId()));
    return saved;
  }

  /** Changes an admin's settings of a server; its machine is not touched. */
  @Transactional
  public Server update(UUID id, ServerChanges changes) {
    Server server = lock(id);
    Instant now = Instant.now(clock);
    if (changes.name() != null && !changes.name().equalsIgnoreCase(server.getName())) {
      requireFreeName(changes.name());
      server.rename(changes.name(), now);
    }
    if (changes.idleStopMinutes() != null) {
      server.setIdleStopMinutes(
          changes.idleStopMinutes() == 0 ? null : changes.idleStopMinutes(), now);
    }
    if (changes.setupScriptId() != null || changes.autoSetup() != null) {
      server.setSetup(
          changes.setupScriptId() != null ? changes.setupScriptId() : server.getSetup().scriptId(),
          changes.autoSetup() != null ? changes.autoSetup() : server.getSetup().auto(),
          now);
    }
    if (changes.slots() != null || changes.prefetch() != null) {
      Capacity was = server.getCapacity();
      server.setCapacity(
          new Capacity(
              changes.slots() != null ? changes.slots() : was.slots(),
              changes.prefetch() != null ? changes.prefetch() : was.prefetch()),
          now);
    }
    return server;
  }

  /** The pipeline saw work on this server: it is not idle. */
  @Transactional
  public void recordActivity(UUID id, Instant at) {
    servers.findById(id).ifPresent(server -> server.recordActivity(at));
  }

  private Server lock(UUID id) {
    return servers.lockById(id).orElseThrow(() -> new ServerNotFoundException(id));
  }

  private ServerProvider provider(String name) {
    return providers
        .find(name)
        .orElseThrow(
            () ->
                new ServerConflictException(
                    "PROVIDER_UNKNOWN", "There is no provider '" + name + "'"));
  }

  private void requireFreeName(String name) {
    if (servers.findLiveByName(name).isPresent()) {
      throw new ServerConflictException(
          "SERVER_NAME_TAKEN", "A server named '" + name + "' exists");
    }
  }

  private static void requireStartStop(ServerProvider provider, Server server) {
    if (!provider.capabilities(server).startsAndStops()) {
      throw new ServerConflictException(
          "PROVIDER_UNSUPPORTED",
          "Server "
              + server.getName()
              + " ("
              + provider.name()
              + ") cannot be started or stopped"
              + " by the platform: it has no start/stop commands");
    }
  }

  /** A server was told to do something; the reconciler should look at it now, not next tick. */
  public record ServerCommanded(UUID serverId) {}
}
