package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.DesiredState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.providers.MachineState;
import io.gpufleet.scheduler.providers.MachineState.Endpoints;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.providers.Rental;
import io.gpufleet.scheduler.providers.ServerProvider;
import io.gpufleet.scheduler.providers.ServerProviders;
import io.gpufleet.scheduler.servers.ServerEvents.ServerBecameRunning;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Compares every server with what its provider reports and converges on the admin's intent. The
 * database holds the intent; the provider is the truth about the machine. One server is handled
 * under its row lock, so replicas never act on it twice.
 */
@Service
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  static final String LABEL_PREFIX = "gpufleet-";

  private final ServerRepository servers;
  private final ServerProviders providers;
  private final Transitions transitions;
  private final SchedulerSettings settings;
  private final TransactionTemplate transaction;
  private final ApplicationEventPublisher events;
  private final ObjectProvider<DrainProbe> drainProbe;
  private final ObjectProvider<PlatformPublicKey> platformKey;
  private final List<Orphan> orphans = new CopyOnWriteArrayList<>();

  Reconciler(
      ServerRepository servers,
      ServerProviders providers,
      Transitions transitions,
      SchedulerSettings settings,
      TransactionTemplate transaction,
      ApplicationEventPublisher events,
      ObjectProvider<DrainProbe> drainProbe,
      ObjectProvider<PlatformPublicKey> platformKey) {
    this.servers = servers;
    this.providers = providers;
    this.transitions = transitions;
    this.settings = settings;
    this.transaction = transaction;
    this.events = events;
    this.drainProbe = drainProbe;
    this.platformKey = platformKey;
  }

  /** Every live server once, then the orphan report. One server's trouble never stops the rest. */
  public void reconcileAll() {
    List<Server> live = servers.findByStatusNotOrderByCreatedAt(ServerStatus.DESTROYED);
    Map<String, MachineState> known = new HashMap<>();
    for (ServerProvider provider : providers.all()) {
      List<Server> theirs =
          live.stream().filter(s -> s.getProvider().equals(provider.name())).toList();
      if (theirs.isEmpty()) {
        continue;
      }
      try {
        known.putAll(provider.describeAll(theirs));
      } catch (ProviderException e) {
        log.info("Could not list {} machines: {}", provider.name(), e.getMessage());
      }
    }
    for (Server server : live) {
      try {
        reconcile(server.getId(), known);
      } catch (RuntimeException e) {
        log.warn("Could not reconcile server {}: {}", server.getName(), e.getMessage());
      }
    }
    reportOrphans();
  }

  /** Moves one server as far towards its intent as it can go now. */
  public ServerStatus reconcile(UUID id) {
    return reconcile(id, Map.of());
  }

  /** As {@link #reconcile(UUID)}, with machine states already read in one batch. */
  ServerStatus reconcile(UUID id, Map<String, MachineState> known) {
    return Objects.requireNonNull(
        transaction.execute(
            status -> {
              Server server =
                  servers.lockById(id).orElseThrow(() -> new ServerNotFoundException(id));
              try {
                converge(server, known);
              } catch (ProviderException e) {
                if (e.retryable()) {
                  log.info("Server {}: {} (will retry)", server.getName(), e.getMessage());
                } else {
                  transitions.move(server, ServerStatus.ERROR, e.getMessage());
                }
              }
              return server.getStatus();
            }));
  }

  /** Instances on the account that carry our label but belong to no server we know. */
  public List<Orphan> orphans() {
    return List.copyOf(orphans);
  }

  private void converge(Server server, Map<String, MachineState> known) {
    switch (server.getStatus()) {
      case PROVISIONING -> provision(server);
      case LOADING, STARTING -> awaitRunning(server, known);
      case RUNNING -> watchRunning(server, known);
      case STOPPING -> awaitStopped(server, known);
      case STOPPED -> watchStopped(server, known);
      case DESTROYING -> destroy(server);
      case ERROR, DESTROYED -> {
        // an admin decides: re-provision or destroy
      }
    }
  }

  private void provision(Server server) {
    ServerProvider provider = providers.of(server);
    if (server.getLease().instanceId() != null) {
      transitions.move(server, ServerStatus.LOADING, null);
      return;
    }
    try {
      Rental rental = provider.provision(server);
      server.recordRental(
          rental.offerId(), rental.instanceId(), rental.pricePerHour(), rental.gpuName(), now());
      transitions.move(server, ServerStatus.LOADING, null);
    } catch (ProviderException e) {
      if (e.reason() == ProviderException.Reason.NO_CAPACITY && !pastDeadline(server)) {
        server.moveTo(ServerStatus.PROVISIONING, "Waiting for capacity: " + e.getMessage(), now());
        return;
      }
      if (e.retryable() && !pastDeadline(server)) {
        throw e;
      }
      transitions.move(server, ServerStatus.ERROR, "Could not rent a machine: " + e.getMessage());
    }
  }

  /** From the batch when the machine is in it, else from the provider now. */
  private MachineState describe(Server server, Map<String, MachineState> known) {
    MachineState batched =
        server.getLease().instanceId() == null ? null : known.get(server.getLease().instanceId());
    return batched != null ? batched : providers.of(server).describe(server);
  }

  private void awaitRunning(Server server, Map<String, MachineState> known) {
    MachineState machine = describe(server, known);
    switch (machine.phase()) {
      case RUNNING -> becameRunning(server, machine);
      case GONE -> replaceVanished(server, machine.message());
      case FAILED ->
          transitions.move(
              server,
              ServerStatus.ERROR,
              "The machine failed to start: "
                  + machine.message()
                  + ". Re-provision to rent another.");
      case WAITING_FOR_GPU -> {
        if (pastDeadline(server)) {
          transitions.move(
              server,
              ServerStatus.ERROR,
              "The machine's GPU was taken while it was stopped, and it did not start within "
                  + settings.startTimeout().toMinutes()
                  + " min. Re-provision to rent an equivalent machine.");
        } else {
          server.moveTo(server.getStatus(), "Waiting for the GPU: " + machine.message(), now());
        }
      }
      case LOADING, STOPPED -> {
        if (pastDeadline(server)) {
          transitions.move(
              server,
              ServerStatus.ERROR,
              "The machine did not become running in time (" + machine.message() + ")");
        }
      }
    }
  }

  private void becameRunning(Server server, MachineState machine) {
    recordEndpoints(server, machine.endpoints());
    PlatformPublicKey key = platformKey.getIfAvailable();
    if (key != null) {
      providers.of(server).authorize(server, key.openSsh());
    }
    server.setActionDeadline(null);
    transitions.move(server, ServerStatus.RUNNING, null);
    events.publishEvent(
        new ServerBecameRunning(
            server.getId(), server.getSetup().auto() && !server.getSetup().done(), now()));
    if (server.getDesiredState() == DesiredState.STOPPED) {
      transitions.requestStop(server);
    }
  }

  private void watchRunning(Server server, Map<String, MachineState> known) {
    if (server.getDrain().active()) {
      DrainProbe probe = drainProbe.getIfAvailable(() -> DrainProbe.NONE);
      Instant deadline = server.getDrain().deadline();
      if (probe.activeWork(server.getId()) == 0 || deadline != null && now().isAfter(deadline)) {
        transitions.requestStop(server);
        return;
      }
    }
    MachineState machine = describe(server, known);
    if (machine.phase() != MachineState.Phase.RUNNING
        && known.containsKey(server.getLease().instanceId())) {
      // the batch was read before this server's lock: confirm before acting on a change
      machine = providers.of(server).describe(server);
    }
    switch (machine.phase()) {
      case RUNNING -> recordEndpoints(server, machine.endpoints());
      case GONE -> replaceVanished(server, machine.message());
      case FAILED ->
          transitions.move(server, ServerStatus.ERROR, "The machine failed: " + machine.message());
      case STOPPED, WAITING_FOR_GPU -> {
        // stopped behind our back (an interruptible outbid, a host reboot): start it again
        log.warn("Server {} stopped without being asked; starting it again", server.getName());
        providers.of(server).start(server);
        server.setActionDeadline(now().plus(settings.startTimeout()));
        forgetEndpoints(server);
        transitions.move(server, ServerStatus.STARTING, "Stopped unexpectedly; restarting");
      }
      case LOADING -> {
        server.setActionDeadline(now().plus(settings.startTimeout()));
        transitions.move(server, ServerStatus.STARTING, machine.message());
      }
    }
  }

  private void awaitStopped(Server server, Map<String, MachineState> known) {
    MachineState machine = describe(server, known);
    switch (machine.phase()) {
      case STOPPED -> {
        forgetEndpoints(server);
        server.setActionDeadline(null);
        transitions.move(server, ServerStatus.STOPPED, null);
      }
      case GONE -> {
        server.forgetRental(now());
        transitions.move(
            server,
            ServerStatus.ERROR,
            "The machine vanished while stopping: " + machine.message());
      }
      default -> {
        if (pastDeadline(server)) {
          transitions.move(
              server,
              ServerStatus.ERROR,
              "The machine did not stop in time ("
                  + machine.phase()
                  + ": "
                  + machine.message()
                  + ")");
        }
      }
    }
  }

  private void watchStopped(Server server, Map<String, MachineState> known) {
    MachineState machine = describe(server, known);
    if (machine.phase() == MachineState.Phase.GONE) {
      server.forgetRental(now());
      transitions.move(
          server,
          ServerStatus.ERROR,
          "The stopped machine vanished ("
              + machine.message()
              + "). Re-provision to rent another.");
    }
  }

  private void destroy(Server server) {
    providers.of(server).destroy(server);
    server.forgetRental(now());
    server.stopDraining(now());
    server.setActionDeadline(null);
    transitions.move(server, ServerStatus.DESTROYED, null);
  }

  /** The machine is gone but the server should run: rent an equivalent one under its identity. */
  private void replaceVanished(Server server, @Nullable String message) {
    log.warn(
        "Server {}: its machine vanished ({}); renting a replacement", server.getName(), message);
    server.forgetRental(now());
    server.setActionDeadline(now().plus(settings.provisionTimeout()));
    transitions.move(server, ServerStatus.PROVISIONING, "Machine vanished; renting a replacement");
  }

  /**
   * A stopped machine's addresses go with it: a rented one gets new ones when it starts again. A
   * registered box keeps the ones its admin gave, which are the only way to it (its start command
   * runs over that SSH); only what its last probe said is forgotten.
   */
  private void forgetEndpoints(Server server) {
    if (providers.of(server).capabilities(server).rents()) {
      server.clearEndpoints(now());
    } else {
      server.forgetHealth(now());
    }
  }

  private void recordEndpoints(Server server, @Nullable Endpoints endpoints) {
    if (endpoints == null) {
      return;
    }
    Addresses known = server.getAddresses();
    boolean changed =
        !Objects.equals(endpoints.comfyUrl(), known.comfyUrl())
            || !Objects.equals(endpoints.sshHost(), known.sshHost())
            || !Objects.equals(endpoints.sshPort(), known.sshPort())
            || !Objects.equals(endpoints.ollamaUrl(), known.ollamaUrl());
    if (changed) {
      server.recordEndpoints(
          new Addresses(
              endpoints.publicIp(),
              endpoints.comfyUrl(),
              endpoints.sshHost(),
              endpoints.sshPort(),
              endpoints.ollamaUrl()),
          now());
    }
  }

  private void reportOrphans() {
    Set<String> known = new HashSet<>();
    servers.findAll().forEach(s -> known.add(s.getLabel()));
    List<Orphan> found = new java.util.ArrayList<>();
    for (ServerProvider provider : providers.all()) {
      try {
        provider.labelledMachines(LABEL_PREFIX).stream()
            .filter(m -> !known.contains(m.label()))
            .forEach(
                m -> found.add(new Orphan(provider.name(), m.instanceId(), m.label(), m.state())));
      } catch (ProviderException e) {
        log.info(
            "Could not list {} machines for the orphan report: {}",
            provider.name(),
            e.getMessage());
        return;
      }
    }
    for (Orphan orphan : found) {
      if (!orphans.contains(orphan)) {
        log.warn(
            "Orphan: {} instance {} carries our label {} but no server knows it; it may be billing",
            orphan.provider(),
            orphan.instanceId(),
            orphan.label());
      }
    }
    orphans.clear();
    orphans.addAll(found);
  }

  private boolean pastDeadline(Server server) {
    Instant deadline = server.getActionDeadline();
    return deadline != null && now().isAfter(deadline);
  }

  private Instant now() {
    return transitions.now();
  }

  /** A machine on a provider's account with our label that no server owns. */
  public record Orphan(String provider, String instanceId, String label, String state) {}
}
