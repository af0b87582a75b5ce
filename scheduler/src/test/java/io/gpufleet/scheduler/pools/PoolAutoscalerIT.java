package io.gpufleet.scheduler.pools;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.pools.AutoscaleDecision;
import io.gpufleet.persistence.pools.AutoscaleDecision.Outcome;
import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import io.gpufleet.scheduler.SimulatedFleet.LoadedDrainProbe;
import io.gpufleet.scheduler.autoscale.Decision.Action;
import io.gpufleet.scheduler.autoscale.Plan;
import io.gpufleet.scheduler.autoscale.RecentWaits;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.servers.NewServer;
import io.gpufleet.scheduler.servers.Reconciler;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import io.gpufleet.testing.MutableClock;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The autoscaler wired to the platform: pools sized from the generations table, decisions carried
 * out through the server lifecycle against the simulated Vast.ai, every one logged with its reason.
 * Each pool serves a workflow of its own, so other tests' queues do not reach it.
 */
class PoolAutoscalerIT extends SchedulerIntegrationTest {

  static final ServerSpec SPEC =
      new ServerSpec("RTX 4090", 1, null, null, 40, "US", new BigDecimal("2.00"), null, null);

  @Autowired PoolService pools;
  @Autowired PoolAutoscaler autoscaler;
  @Autowired PoolDemand demand;
  @Autowired ServerLifecycle lifecycle;
  @Autowired Reconciler reconciler;
  @Autowired HealthProber prober;
  @Autowired ServerRepository servers;
  @Autowired LoadedDrainProbe drainProbe;
  @Autowired MutableClock clock;
  @Autowired JdbcTemplate jdbc;
  @Autowired TransactionTemplate transaction;

  @Nested
  class ScalingUp {

    @Test
    void queuedJobsForAPoolWithNoServerRentOneAndTheDecisionSaysWhy() {
      UUID workflow = workflow();
      Pool pool = pool("up", 0, 3, SPEC, workflow, Set.of());
      queue(workflow, 5);

      Plan plan = autoscaler.run(pool.getId());

      assertThat(plan.of(Action.RENT)).isNotEmpty();
      List<AutoscaleDecision> log = decisions(pool);
      assertThat(log).isNotEmpty().allSatisfy(d -> assertThat(d.getAction()).isEqualTo("RENT"));
      AutoscaleDecision rent = log.get(0);
      assertThat(rent.getOutcome()).isEqualTo(Outcome.EXECUTED);
      assertThat(rent.getReason())
          .contains("no stopped server left")
          .contains("queue 5")
          .contains("have 0 ready + 0 booting");
      assertThat(pools.get(pool.getId()).getServerIds()).contains(rent.getServerId());
      Server rented = awaitStatus(rent.getServerId(), ServerStatus.RUNNING);
      assertThat(rented.getName()).startsWith(pool.getName() + "-");
      assertThat(rented.getSpec().gpu()).isEqualTo("RTX 4090");

      // the next tick counts what it rented: nothing more for the same queue
      assertThat(autoscaler.run(pool.getId()).of(Action.RENT)).isEmpty();
      destroyAll(pool);
    }

    @Test
    void aStoppedServerOfThePoolIsStartedBeforeAnythingIsRented() {
      UUID stopped = runningServer("stopped-first");
      lifecycle.stop(stopped, false);
      awaitStatus(stopped, ServerStatus.STOPPED);
      UUID workflow = workflow();
      Pool pool = pool("restart", 0, 1, SPEC, workflow, Set.of(stopped));
      queue(workflow, 2);

      autoscaler.run(pool.getId());

      AutoscaleDecision start = decisions(pool).get(0);
      assertThat(start.getAction()).isEqualTo("START");
      assertThat(start.getServerId()).isEqualTo(stopped);
      assertThat(start.getReason()).contains("a stopped server first");
      assertThat(start.getOutcome()).isEqualTo(Outcome.EXECUTED);
      assertThat(servers.findById(stopped).orElseThrow().getStatus())
          .isIn(ServerStatus.STARTING, ServerStatus.RUNNING);
      assertThat(decisions(pool)).noneMatch(d -> d.getAction().equals("RENT"));
      destroyAll(pool);
    }

    @Test
    void theHistoryOfThisHourRentsBeforeTheFirstJobArrives() {
      UUID workflow = workflow();
      Pool pool = pool("prewarm", 0, 4, SPEC, workflow, Set.of());
      Instant now = clock.instant();
      // the last three weeks, in the hour the servers would be ready in: 3 jobs a minute
      for (int week = 1; week <= 3; week++) {
        Instant hour = now.plus(Duration.ofMinutes(8)).minus(Duration.ofDays(7L * week));
        for (int minute = -30; minute < 30; minute++) {
          history(workflow, hour.plus(Duration.ofMinutes(minute)), 3);
        }
      }
      demand.forget();

      Plan plan = autoscaler.run(pool.getId());

      assertThat(plan.of(Action.RENT)).isNotEmpty();
      assertThat(decisions(pool).get(0).getReason()).contains("queue 0").contains("/min usual");
      destroyAll(pool);
    }
  }

  @Nested
  class Limits {

    @Test
    void noRentalPastThePoolsMaximumAndAHoldSaysSo() {
      UUID workflow = workflow();
      Pool pool = pool("max", 0, 1, SPEC, workflow, Set.of());
      queue(workflow, 60);

      autoscaler.run(pool.getId());

      List<AutoscaleDecision> log = decisions(pool);
      assertThat(log).filteredOn(d -> d.getAction().equals("RENT")).hasSize(1);
      assertThat(log)
          .filteredOn(d -> d.getAction().equals("HOLD"))
          .singleElement()
          .satisfies(
              hold -> {
                assertThat(hold.getReason()).contains("the pool's maximum is 1");
                assertThat(hold.getOutcome()).isEqualTo(Outcome.HELD);
              });
      destroyAll(pool);
    }

    @Test
    void theBudgetGuardHoldsARentalItCouldNotPayAnHourOf() {
      UUID workflow = workflow();
      ServerSpec dear =
          new ServerSpec("RTX 4090", 1, null, null, 40, "US", new BigDecimal("150"), null, null);
      Pool pool = pool("budget", 1, 3, dear, workflow, Set.of());
      queue(workflow, 10);

      Plan plan = autoscaler.run(pool.getId());

      assertThat(plan.of(Action.RENT)).isEmpty();
      AutoscaleDecision hold = decisions(pool).get(0);
      assertThat(hold.getAction()).isEqualTo("HOLD");
      assertThat(hold.getOutcome()).isEqualTo(Outcome.HELD);
      assertThat(hold.getReason())
          .contains("more server(s) wanted")
          .contains("daily budget of $100.00 has $")
          .contains("less than an hour of another server at up to $150.00/h");
      assertThat(pools.get(pool.getId()).getServerIds()).isEmpty();
    }
  }

  @Nested
  class ScalingDown {

    @Test
    void anIdleServerAboveTheMinimumIsDrainedAfterItsIdleWindowAndABusyOneNever() {
      UUID busy = readyServer("busy");
      UUID idleA = readyServer("idle-a");
      UUID idleB = readyServer("idle-b");
      drainProbe.set(busy, 1);
      Pool pool = pool("down", 2, 3, SPEC, workflow(), Set.of(busy, idleA, idleB));

      // within the idle window: nothing goes
      assertThat(autoscaler.run(pool.getId()).decisions()).isEmpty();

      clock.advance(Duration.ofMinutes(11));
      Plan plan = autoscaler.run(pool.getId());

      assertThat(plan.of(Action.STOP)).hasSize(1);
      AutoscaleDecision stop = decisions(pool).get(0);
      assertThat(stop.getAction()).isEqualTo("STOP");
      assertThat(stop.getServerId()).isIn(idleA, idleB).isNotEqualTo(busy);
      assertThat(stop.getReason()).contains("idle for").contains("(limit 10 min)");
      assertThat(stop.getOutcome()).isEqualTo(Outcome.EXECUTED);
      Server stopping = servers.findById(stop.getServerId()).orElseThrow();
      // a drain, not a kill: it finishes what it has, then stops
      assertThat(stopping.getDrain().active() || stopping.getStatus() != ServerStatus.RUNNING)
          .isTrue();
      awaitStatus(stop.getServerId(), ServerStatus.STOPPED);
      assertThat(servers.findById(busy).orElseThrow().getStatus()).isEqualTo(ServerStatus.RUNNING);

      // the minimum of two holds: the other idle one stays however long it idles
      clock.advance(Duration.ofMinutes(30));
      assertThat(autoscaler.run(pool.getId()).of(Action.STOP)).isEmpty();
      drainProbe.set(busy, 0);
      destroyAll(pool);
    }

    @Test
    void withTheWaitAllowanceUnspentAnUnneededServerIsDrainedAfterAMinuteIdle() {
      UUID a = readyServer("spend-a");
      UUID b = readyServer("spend-b");
      UUID workflow = workflow();
      Pool pool = pool("spend", 1, 3, SPEC, workflow, Set.of(a, b));
      // three hours ago, 60 jobs that each waited 20 s: the allowance of late jobs is untouched
      UUID user = user();
      Instant earlier = clock.instant().minus(Duration.ofHours(3));
      for (int i = 0; i < 60; i++) {
        waited(user, workflow, earlier.plusSeconds(10L * i), Duration.ofSeconds(20));
      }
      demand.forget();

      clock.advance(Duration.ofMinutes(2));
      Plan plan = autoscaler.run(pool.getId());

      assertThat(plan.of(Action.STOP)).hasSize(1);
      AutoscaleDecision stop = decisions(pool).get(0);
      assertThat(stop.getAction()).isEqualTo("STOP");
      assertThat(stop.getServerId()).isIn(a, b);
      assertThat(stop.getReason())
          .contains("limit 1 min while the wait allowance is unspent, the pool's 10 min")
          .contains("0.0 % of the last 6 h's 60 jobs waited past the target")
          .contains("spending it");
      awaitStatus(stop.getServerId(), ServerStatus.STOPPED);
      destroyAll(pool);
    }
  }

  @Nested
  class Waits {

    @Test
    void theLastHoursCountTheLateAndTheQueuedPastTheTargetAndNothingOlder() {
      UUID workflow = workflow();
      Pool pool = pool("waits", 0, 1, SPEC, workflow, Set.of());
      Instant now = clock.instant();
      UUID user = user();
      Instant twoHoursAgo = now.minus(Duration.ofHours(2));
      for (int i = 0; i < 3; i++) {
        waited(user, workflow, twoHoursAgo, Duration.ofSeconds(30));
      }
      for (int i = 0; i < 2; i++) {
        waited(user, workflow, twoHoursAgo, Duration.ofMinutes(5));
      }
      insertGeneration(user, workflow, "QUEUED", now.minus(Duration.ofMinutes(3))); // late already
      insertGeneration(user, workflow, "QUEUED", now.minus(Duration.ofSeconds(30))); // not known
      waited(user, workflow, now.minus(Duration.ofHours(7)), Duration.ofMinutes(5)); // too old

      assertThat(demand.recentWaits(pool, now, Duration.ofMinutes(2)))
          .isEqualTo(new RecentWaits(6, 3));
    }
  }

  // --- helpers -----------------------------------------------------------------------------

  private Pool pool(
      String name, int min, int max, ServerSpec spec, UUID workflow, Set<UUID> members) {
    return pools.create(
        new PoolDefinition(
            name + "-" + UUID.randomUUID().toString().substring(0, 8),
            "vast",
            spec,
            null,
            new PoolLimits(
                min,
                max,
                Duration.ofMinutes(2),
                Duration.ofMinutes(10),
                null,
                Duration.ofSeconds(30)),
            ZoneOffset.UTC,
            true,
            Set.of(workflow),
            new HashSet<>(members)));
  }

  private List<AutoscaleDecision> decisions(Pool pool) {
    // the log is newest first; the plan's order is oldest first
    List<AutoscaleDecision> log =
        new ArrayList<>(pools.decisions(pool.getId(), PageRequest.of(0, 50)).getContent());
    java.util.Collections.reverse(log);
    return log;
  }

  private UUID workflow() {
    UUID id = UUID.randomUUID();
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.update(
        "INSERT INTO workflows (id, name, graph, inputs, shortcuts, node_classes, models,"
            + " created_at, updated_at) VALUES (?, ?, '{}', '[]', '{}', '[]', '[]', ?, ?)",
        id,
        "pool-wf-" + id,
        now,
        now);
    return id;
  }

  private UUID user() {
    UUID id = UUID.randomUUID();
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.update(
        "INSERT INTO users (id, username, role, created_at, updated_at) VALUES (?, ?, 'USER', ?, ?)",
        id,
        "pool-" + id,
        now,
        now);
    return id;
  }

  private void queue(UUID workflow, int jobs) {
    UUID user = user();
    for (int i = 0; i < jobs; i++) {
      insertGeneration(user, workflow, "QUEUED", clock.instant());
    }
  }

  private void history(UUID workflow, Instant at, int jobs) {
    UUID user = user();
    for (int i = 0; i < jobs; i++) {
      insertGeneration(user, workflow, "COMPLETED", at);
    }
  }

  /** A finished job created at {@code at} that waited {@code wait} for a server. */
  private void waited(UUID user, UUID workflow, Instant at, Duration wait) {
    Instant dispatched = at.plus(wait);
    jdbc.update(
        "INSERT INTO generations (id, user_id, workflow_id, status, inputs, snapshot, max_attempts,"
            + " created_at, dispatched_at, started_at, finished_at, updated_at)"
            + " VALUES (?, ?, ?, 'COMPLETED', '{}', '{}', 3, ?, ?, ?, ?, ?)",
        UUID.randomUUID(),
        user,
        workflow,
        Timestamp.from(at),
        Timestamp.from(dispatched),
        Timestamp.from(dispatched),
        Timestamp.from(dispatched.plusSeconds(30)),
        Timestamp.from(dispatched.plusSeconds(30)));
  }

  private void insertGeneration(UUID user, UUID workflow, String status, Instant at) {
    jdbc.update(
        "INSERT INTO generations (id, user_id, workflow_id, status, inputs, snapshot, max_attempts,"
            + " created_at, finished_at, updated_at) VALUES (?, ?, ?, ?, '{}', '{}', 3, ?, ?, ?)",
        UUID.randomUUID(),
        user,
        workflow,
        status,
        Timestamp.from(at),
        status.equals("QUEUED") ? null : Timestamp.from(at.plusSeconds(30)),
        Timestamp.from(at));
  }

  private UUID runningServer(String name) {
    Server created =
        lifecycle.create(
            new NewServer(name + "-" + UUID.randomUUID(), "vast", SPEC, null, null, false, null));
    return awaitStatus(created.getId(), ServerStatus.RUNNING).getId();
  }

  /** Running, set up and probed healthy: the policy counts it ready. */
  private UUID readyServer(String name) {
    UUID id = runningServer(name);
    transaction.executeWithoutResult(
        s -> servers.findById(id).orElseThrow().markSetUp(true, clock.instant()));
    assertThat(prober.probe(id)).isEqualTo(HealthState.HEALTHY);
    assertThat(servers.findById(id).orElseThrow().isRoutable()).isTrue();
    return id;
  }

  private void destroyAll(Pool pool) {
    List<UUID> ids = new ArrayList<>(pools.get(pool.getId()).getServerIds());
    pools.delete(pool.getId());
    for (UUID id : ids) {
      lifecycle.destroy(id);
      awaitStatus(id, ServerStatus.DESTROYED);
    }
  }

  /** Drives the reconciler until the server reaches {@code status}; fails after 20 s. */
  private Server awaitStatus(UUID id, ServerStatus status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      ServerStatus now = reconciler.reconcile(id);
      if (now == status) {
        return servers.findById(id).orElseThrow();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Server " + id + " is " + now + ", not " + status);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
