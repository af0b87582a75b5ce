package io.gpufleet.api.generations;

import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.routing.RoutingPolicy;
import io.gpufleet.api.routing.RoutingPolicy.Candidate;
import io.gpufleet.api.routing.RoutingPolicy.Route;
import io.gpufleet.api.workflows.WorkflowImport;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.NodeError;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each replica's dispatcher: claims queued generations with SKIP LOCKED (so each is dispatched
 * once), routes them, commits the attempt, then posts the prompt under our own id. It also checks
 * running attempts against their servers.
 */
@Component
class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int CLAIM_BATCH = 20;

  private final GenerationRepository generations;
  private final ServerRepository servers;
  private final FleetView fleet;
  private final ComfyClients clients;
  private final ComfySessions sessions;
  private final UploadStore uploads;
  private final GenerationTransitions transitions;
  private final RunOutcomes outcomes;
  private final HealthProber health;
  private final ServerLifecycle lifecycle;
  private final GenerationEventBus bus;
  private final Replica replica;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "generation-dispatcher");
            t.setDaemon(true);
            return t;
          });

  private record Planned(UUID generation, UUID prompt, UUID server, Workflow graph) {}

  Dispatcher(
      GenerationRepository generations,
      ServerRepository servers,
      FleetView fleet,
      ComfyClients clients,
      ComfySessions sessions,
      UploadStore uploads,
      GenerationTransitions transitions,
      RunOutcomes outcomes,
      HealthProber health,
      ServerLifecycle lifecycle,
      GenerationEventBus bus,
      Replica replica,
      GenerationProperties settings,
      TransactionTemplate transaction,
      Clock clock) {
    this.generations = generations;
    this.servers = servers;
    this.fleet = fleet;
    this.clients = clients;
    this.sessions = sessions;
    this.uploads = uploads;
    this.transitions = transitions;
    this.outcomes = outcomes;
    this.health = health;
    this.lifecycle = lifecycle;
    this.bus = bus;
    this.replica = replica;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long dispatchMs = settings.dispatchInterval().toMillis();
    timer.scheduleWithFixedDelay(
        this::dispatchGuarded, dispatchMs, dispatchMs, TimeUnit.MILLISECONDS);
    long monitorMs = settings.monitorInterval().toMillis();
    timer.scheduleWithFixedDelay(this::monitorGuarded, monitorMs, monitorMs, TimeUnit.MILLISECONDS);
  }

  /** A generation was queued: look at the queue now rather than at the next tick. */
  void wake() {
    timer.execute(this::dispatchGuarded);
  }

  private void dispatchGuarded() {
    try {
      for (int round = 0; round < 50; round++) {
        List<Planned> planned = plan();
        if (planned.isEmpty()) {
          return;
        }
        planned.forEach(this::submit);
      }
    } catch (RuntimeException e) {
      log.warn("Dispatching failed: {}", e.toString());
    }
  }

  /** One transaction: claim, route, record the attempts. The prompts are posted after commit. */
  private List<Planned> plan() {
    List<Candidate> candidates = new ArrayList<>(fleet.candidates(null));
    List<Planned> planned = new ArrayList<>();
    transaction.executeWithoutResult(
        status -> {
          List<UUID> ids = generations.claimQueued(settings.maxRunningPerUser(), CLAIM_BATCH);
          Set<UUID> usersServed = new HashSet<>();
          for (UUID id : ids) {
            Generation g = generations.findById(id).orElseThrow();
            if (!usersServed.add(g.getUserId())) {
              continue; // fair share: one per user per round; the rest wait for the next round
            }
            Workflow graph = Workflow.parse(g.getRequest().snapshot());
            List<Candidate> pool =
                g.getRequest().pinnedServerId() == null
                    ? candidates
                    : fleet.candidates(g.getRequest().pinnedServerId());
            Route route =
                fleet
                    .policy()
                    .route(
                        new RoutingPolicy.Need(
                            Set.copyOf(WorkflowImport.nodeClasses(graph)),
                            WorkflowImport.models(graph),
                            g.getRequest().pinnedServerId(),
                            g.getAttempt().avoidServerId(),
                            g.getAttempt().minVramMb()),
                        pool);
            if (route instanceof Route.To) {
              UUID server = ((Route.To) route).serverId();
              UUID prompt = UUID.randomUUID();
              g.dispatch(server, prompt, replica.id(), clock.instant());
              planned.add(new Planned(g.getId(), prompt, server, graph));
              bump(candidates, server);
            } else if (route instanceof Route.Impossible) {
              g.fail(
                  new Generation.Failure(
                      null, null, "Unroutable", ((Route.Impossible) route).reason()),
                  clock.instant());
              bus.publish(GenerationEvent.status(g.getId(), "FAILED"));
            } else {
              usersServed.remove(g.getUserId());
            }
          }
        });
    return planned;
  }

  private static void bump(List<Candidate> candidates, UUID server) {
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      if (c.id().equals(server)) {
        candidates.set(
            i,
            new Candidate(
                c.id(),
                c.name(),
                c.status(),
                c.setUp(),
                c.health(),
                c.draining(),
                c.breakerClosed(),
                c.nodeClasses(),
                c.models(),
                c.outstanding() + 1,
                c.speed(),
                c.pricePerHour(),
                c.vramMb()));
      }
    }
  }

  private void submit(Planned p) {
    bus.publish(GenerationEvent.status(p.generation(), "STARTED"));
    Server server = servers.findById(p.server()).orElse(null);
    if (server == null) {
      return;
    }
    transitions.activity(server.getId());
    try {
      sessions.ensure(server);
      ComfyClient client = clients.forServer(server);
      Workflow graph = withUploads(client, p.graph());
      if (graph == null) {
        transitions
            .failed(
                p.generation(),
                p.prompt(),
                new Generation.Failure(
                    null, null, "UploadMissing", "An input upload has expired or was deleted"),
                false,
                null,
                null)
            .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
        return;
      }
      client.submit(graph, p.prompt(), replica.id());
      if (!transitions.submitted(p.generation(), p.prompt())) {
        // cancelled (or taken back) between our commit and the post: nothing may run for it
        withdraw(client, p.prompt());
      }
    } catch (ComfyException.PromptRejected e) {
      NodeError first = e.nodeErrors().values().stream().findFirst().orElse(null);
      String message =
          first == null || first.errors().isEmpty()
              ? e.getMessage()
              : first.errors().get(0).message() + ": " + first.errors().get(0).details();
      transitions
          .failed(
              p.generation(),
              p.prompt(),
              new Generation.Failure(
                  first == null ? null : first.nodeId(),
                  first == null ? null : first.classType(),
                  e.type() == null ? "PromptRejected" : e.type(),
                  message),
              false,
              null,
              null)
          .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
    } catch (ComfyException e) {
      health.recordFailure(server.getId(), e);
      transitions
          .failed(
              p.generation(),
              p.prompt(),
              new Generation.Failure(null, null, "SubmitFailed", e.getMessage()),
              e.retryable(),
              server.getId(),
              null)
          .ifPresent(s -> bus.publish(GenerationEvent.status(p.generation(), s.name())));
    }
  }

  private static void withdraw(ComfyClient client, UUID prompt) {
    try {
      client.deleteFromQueue(List.of(prompt.toString()));
      client.interrupt(prompt.toString());
    } catch (ComfyException e) {
      log.debug("Could not withdraw prompt {}: {}", prompt, e.toString());
    }
  }

  /**
   * Puts the graph's uploads on the chosen server and points their inputs at the stored names; null
   * when one of them is gone.
   */
  private @Nullable Workflow withUploads(ComfyClient client, Workflow graph) {
    Workflow result = graph;
    for (Map.Entry<String, UUID> ref : UploadStore.references(graph).entrySet()) {
      Path file = uploads.path(ref.getValue());
      var meta = uploads.find(ref.getValue());
      if (meta.isEmpty() || !Files.exists(file)) {
        return null;
      }
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(file);
      } catch (IOException e) {
        return null;
      }
      String name =
          "gpufleet-" + ref.getValue() + "." + ResultStore.extension(meta.get().contentType());
      String stored = client.uploadImage(name, bytes, "", true).reference();
      result = result.with(ref.getKey(), stored, null);
    }
    return result;
  }

  private void monitorGuarded() {
    try {
      Instant now = clock.instant();
      for (Generation g : generations.findByStatus(GenerationStatus.RUNNING)) {
        boolean mine = replica.id().equals(g.getAttempt().dispatchedBy());
        boolean stale = g.getTimings().updatedAt().plus(settings.staleAfter()).isBefore(now);
        if (mine ? g.getAttempt().submitted() : stale) {
          outcomes.check(g);
        } else if (stale
            && g.getAttempt().promptId() != null
            && g.getAttempt().serverId() != null) {
          // recorded but never posted (the replica stopped in between)
          outcomes.lost(
              g,
              g.getAttempt().promptId(),
              g.getAttempt().serverId(),
              "the prompt was never posted");
        }
      }
    } catch (RuntimeException e) {
      log.warn("Checking running generations failed: {}", e.toString());
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
