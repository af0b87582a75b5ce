package io.gpufleet.api.dispatch;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationProperties;
import io.gpufleet.api.generations.GenerationQueued;
import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.routing.PoolReservations;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import io.gpufleet.scheduler.routing.RoutingPolicy.Candidate;
import io.gpufleet.scheduler.routing.RoutingPolicy.Route;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each replica's dispatcher: claims queued generations with SKIP LOCKED (so each is dispatched
 * once), routes them, commits the attempt, then has {@link PromptSender} post the prompt under our
 * own id. A generation is bound to a server only when that server has room (late binding); until
 * then it stays in the platform's queue. It also checks running attempts against their servers
 * ({@link RunOutcomes}). Its own thread only reads and writes the database: every call to a ComfyUI
 * happens elsewhere, so one server that does not answer delays nothing of the others.
 */
@Component
class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int CLAIM_BATCH = 20;

  /**
   * How often the queue is claimed even when no server has room, so that a job whose route became
   * impossible (its pinned server deleted) fails within seconds rather than when a slot frees.
   */
  private static final long SWEEP_NANOS = Duration.ofSeconds(5).toNanos();

  /**
   * How old the fleet as the last pass left it may be for a pass woken by a submission. The load it
   * shows counts this replica's bindings since, not other replicas' (they may briefly give a server
   * one job more than its slots and prefetch) nor finished jobs (their passes read afresh); a
   * server that stopped running since is dropped from it by one look at the servers' states.
   */
  private static final long PICTURE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  /** The fleet as the last pass left it, its own bindings counted, and when it was read. */
  private record Picture(List<Candidate> candidates, long readAt) {}

  private volatile @Nullable Picture picture;

  private final AtomicBoolean wakePending = new AtomicBoolean();
  private volatile long lastClaim = System.nanoTime() - SWEEP_NANOS;

  private final GenerationRepository generations;
  private final FleetView fleet;
  private final PoolReservations reservations;
  private final PromptSender sender;
  private final RunOutcomes outcomes;
  private final GenerationEventBus bus;
  private final Replica replica;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "generation-dispatcher");
            t.setDaemon(true);
            return t;
          });

  /** An attempt committed to a server, its prompt still to be posted. */
  record Planned(
      UUID generation, UUID prompt, UUID server, Workflow graph, @Nullable Server serverRead) {}

  Dispatcher(
      GenerationRepository generations,
      FleetView fleet,
      PoolReservations reservations,
      PromptSender sender,
      RunOutcomes outcomes,
      GenerationEventBus bus,
      Replica replica,
      GenerationProperties settings,
      TransactionTemplate transaction,
      JdbcTemplate jdbc,
      Clock clock) {
    this.jdbc = jdbc;
    this.generations = generations;
    this.fleet = fleet;
    this.reservations = reservations;
    this.sender = sender;
    this.outcomes = outcomes;
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

  /**
   * A generation was queued: look at the queue now rather than at the next tick, unless no server
   * has room (as of the last pass, under half a second ago) or none runs at all (as of the last
   * second): then a server's arrival, a finished job or the next tick binds it. Neither check costs
   * a query, and a pass woken so routes on the fleet as the last one left it instead of reading it
   * again. Submissions come in bursts: one pass answers every one queued before it starts.
   */
  @EventListener
  void on(GenerationQueued queued) {
    if (wakePending.compareAndSet(false, true)) {
      timer.execute(
          () -> {
            wakePending.set(false);
            Picture known = picture;
            if (known != null && System.nanoTime() - known.readAt() < PICTURE_NANOS) {
              if (known.candidates().stream().anyMatch(Candidate::canTakeMore)) {
                dispatchGuarded(known, false);
              }
            } else if (fleet.recent().stream().anyMatch(Candidate::routable)) {
              dispatchGuarded(null, false);
            }
          });
    }
  }

  /** A server finished a job: bind the next one to it now (late binding waits for this). */
  @EventListener
  void on(SlotFreed freed) {
    // the fleet is read afresh even on an empty queue: the picture the next submission's pass
    // starts from must not count the finished job (passes all run on this one thread)
    timer.execute(() -> dispatchGuarded(null, false));
  }

  /** A tick: nothing to do on an empty queue. */
  private void dispatchGuarded() {
    dispatchGuarded(null, true);
  }

  /**
   * Passes until one binds nothing: the first on {@code known} if given, else on the fleet read
   * afresh (unless {@code lookFirst} and the queue is empty); the later ones on the picture the one
   * before left.
   */
  private void dispatchGuarded(@Nullable Picture known, boolean lookFirst) {
    try {
      for (int round = 0; round < 50; round++) {
        List<Planned> planned = round == 0 ? plan(known, lookFirst) : plan(picture, false);
        if (planned.isEmpty()) {
          return;
        }
        planned.forEach(sender::sendLater);
      }
    } catch (RuntimeException e) {
      log.warn("Dispatching failed: {}", e.toString());
    }
  }

  /** One transaction: claim, route, record the attempts. The prompts are posted after commit. */
  private List<Planned> plan(@Nullable Picture known, boolean lookFirst) {
    long now = System.nanoTime();
    Picture reused = known != null && now - known.readAt() < PICTURE_NANOS ? known : null;
    if (reused == null && lookFirst && !generations.anyQueued()) {
      // nothing waits: one look at the queue's index instead of the fleet's three queries (four
      // times a second; with 500 servers most of an idle replica's CPU)
      return List.of();
    }
    List<Candidate> candidates =
        new ArrayList<>(
            reused != null ? stillRunning(reused.candidates()) : fleet.candidates(null));
    long readAt = reused != null ? reused.readAt() : now;
    // what the next pass may start from: the bindings counted, not this pass's reservations
    List<Candidate> kept = new ArrayList<>(candidates);
    picture = new Picture(List.copyOf(kept), readAt);
    if (candidates.stream().noneMatch(Candidate::canTakeMore) && now - lastClaim < SWEEP_NANOS) {
      return List.of(); // nothing could be bound: the queue is not read (it may be deep)
    }
    lastClaim = now;
    Map<UUID, Set<UUID>> reserved = reservations.now();
    List<Planned> planned = new ArrayList<>();
    transaction.executeWithoutResult(
        status -> {
          // The binding's commit does not wait for the WAL flush (a disk flush between the
          // submit and the server's /prompt); PostgreSQL flushes it within wal_writer_delay. A
          // crash of the database itself in that window forgets the binding, and the job, still
          // queued and durable since its 202, runs again: at least once, never lost. A replica's
          // crash loses nothing: the commit is the database's.
          jdbc.execute("SET LOCAL synchronous_commit = off");
          List<Generation> claimed =
              generations.claimQueued(settings.maxRunningPerUser(), CLAIM_BATCH);
          Set<UUID> usersServed = new HashSet<>();
          for (Generation g : claimed) {
            if (!usersServed.add(g.getUserId())) {
              continue; // fair share: one per user per round; the rest wait for the next round
            }
            Workflow graph = Workflow.parse(g.getRequest().snapshot());
            List<Candidate> pool =
                g.getRequest().pinnedServerId() == null
                    ? PoolReservations.openTo(candidates, reserved, g.getRequest().workflowId())
                    : fleet.candidates(g.getRequest().pinnedServerId());
            RoutingPolicy.Need need =
                RoutingPolicy.Need.of(
                    graph,
                    g.getRequest().pinnedServerId(),
                    g.getAttempt().avoidServerId(),
                    g.getAttempt().minVramMb());
            Route route = fleet.policy().route(need, pool);
            if (route instanceof Route.To) {
              UUID server = ((Route.To) route).serverId();
              UUID prompt = UUID.randomUUID();
              g.dispatch(server, prompt, replica.id(), need.work(), clock.instant());
              // in the transaction that binds it: no second commit before the prompt is posted
              bus.publish(GenerationEvent.status(g.getId(), "STARTED"));
              planned.add(
                  new Planned(
                      g.getId(), prompt, server, graph, fleet.lastRead(server).orElse(null)));
              fleet.bound(server, need.checkpoint());
              update(candidates, server, load -> load.bound(need.work(), need.checkpoint()));
              update(kept, server, load -> load.bound(need.work(), need.checkpoint()));
            } else if (route instanceof Route.Impossible) {
              g.fail(
                  new Generation.Failure(
                      null, null, "Unroutable", ((Route.Impossible) route).reason()),
                  clock.instant());
              bus.publish(GenerationEvent.status(g.getId(), "FAILED"));
            } else {
              usersServed.remove(g.getUserId());
              log.debug("Generation {} waits: {}", g.getId(), ((Route.Wait) route).reason());
              UUID awaiting = ((Route.Wait) route).awaiting();
              if (awaiting != null) {
                // it waits for the server that finishes it soonest: the jobs behind it see that
                // server as busier by this much, and may go to the next best one instead
                update(candidates, awaiting, load -> load.reserved(need.work()));
              }
            }
          }
        });
    picture = new Picture(List.copyOf(kept), readAt);
    return planned;
  }

  /** The servers of the picture that still run (one was stopped, or deleted, since it was read). */
  private List<Candidate> stillRunning(List<Candidate> pictured) {
    if (pictured.isEmpty()) {
      return pictured;
    }
    Set<UUID> running = new HashSet<>();
    jdbc.query(
        "SELECT id FROM servers WHERE status = 'RUNNING' AND id = ANY (?)",
        ps ->
            ps.setArray(
                1,
                ps.getConnection()
                    .createArrayOf("uuid", pictured.stream().map(Candidate::id).toArray())),
        rs -> {
          running.add(rs.getObject(1, UUID.class));
        });
    return pictured.stream().filter(c -> running.contains(c.id())).toList();
  }

  private static void update(
      List<Candidate> candidates, UUID server, UnaryOperator<RoutingPolicy.Load> change) {
    for (int i = 0; i < candidates.size(); i++) {
      Candidate c = candidates.get(i);
      if (c.id().equals(server)) {
        candidates.set(i, c.withLoad(change.apply(c.load())));
      }
    }
  }

  private void monitorGuarded() {
    try {
      Instant now = clock.instant();
      for (Generation g : generations.findByStatus(GenerationStatus.RUNNING)) {
        boolean mine = replica.id().equals(g.getAttempt().dispatchedBy());
        boolean stale = g.getTimings().updatedAt().plus(settings.staleAfter()).isBefore(now);
        if (mine ? g.getAttempt().submitted() : stale) {
          outcomes.checkLater(g);
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
