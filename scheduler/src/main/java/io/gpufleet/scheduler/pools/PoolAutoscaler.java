package io.gpufleet.scheduler.pools;

import io.gpufleet.persistence.pools.AutoscaleDecision;
import io.gpufleet.persistence.pools.AutoscaleDecision.Outcome;
import io.gpufleet.persistence.pools.AutoscaleDecisionRepository;
import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.autoscale.Autoscaler;
import io.gpufleet.scheduler.autoscale.Decision;
import io.gpufleet.scheduler.autoscale.Plan;
import io.gpufleet.scheduler.autoscale.PoolState;
import io.gpufleet.scheduler.servers.NewServer;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sizes every enabled pool: builds its state, asks the policy, carries out each decision through
 * {@link ServerLifecycle} (a stop drains: a running generation is never cut off by the autoscaler)
 * and records every decision with its reason and outcome. One pool's failure does not stop the
 * others. Run by a clustered Quartz job, so one replica at a time.
 */
@Service
public class PoolAutoscaler {

  private static final Logger log = LoggerFactory.getLogger(PoolAutoscaler.class);

  private final PoolRepository pools;
  private final PoolService poolService;
  private final PoolStates states;
  private final ReadyTimeLog readyTimes;
  private final ServerLifecycle lifecycle;
  private final AutoscaleDecisionRepository decisions;
  private final AutoscalerSettings settings;
  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Autoscaler policy = new Autoscaler();

  PoolAutoscaler(
      PoolRepository pools,
      PoolService poolService,
      PoolStates states,
      ReadyTimeLog readyTimes,
      ServerLifecycle lifecycle,
      AutoscaleDecisionRepository decisions,
      AutoscalerSettings settings,
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      Clock clock) {
    this.pools = pools;
    this.poolService = poolService;
    this.states = states;
    this.readyTimes = readyTimes;
    this.lifecycle = lifecycle;
    this.decisions = decisions;
    this.settings = settings;
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** One tick: every enabled pool, then the log's old entries. */
  public void runAll() {
    for (Pool pool : pools.findByEnabledTrueOrderByName()) {
      try {
        run(pool);
      } catch (RuntimeException e) {
        log.error("Autoscaling pool {} failed", pool.getName(), e);
      }
    }
    Instant before = clock.instant().minus(settings.keepDecisions());
    transaction.executeWithoutResult(status -> decisions.deleteOlderThan(before));
  }

  /** Sizes one pool now (enabled or not: a test or an admin asked), and answers the plan. */
  public Plan run(UUID poolId) {
    return run(poolService.get(poolId));
  }

  private Plan run(Pool pool) {
    Instant now = clock.instant();
    List<Server> members = states.members(pool);
    for (Server server : members) {
      if (server.isRoutable()) {
        readyTimes.ready(server.getId(), now);
      }
    }
    PoolState state = states.of(pool, members, now);
    Plan plan = policy.decide(state);
    Map<UUID, Server> byId = new HashMap<>();
    members.forEach(s -> byId.put(s.getId(), s));
    for (Decision decision : plan.decisions()) {
      record(pool, now, execute(pool, decision, byId, now));
    }
    jdbc.update(
        "UPDATE pools SET last_run_at = ?, last_summary = ? WHERE id = ?",
        Timestamp.from(now),
        plan.summary(),
        pool.getId());
    if (!plan.decisions().isEmpty()) {
      log.info(
          "Pool {}: {} decision(s); {}", pool.getName(), plan.decisions().size(), plan.summary());
    }
    return plan;
  }

  /** What a decision came to. */
  private record Done(
      Decision decision, @Nullable UUID serverId, Outcome outcome, @Nullable String error) {}

  private Done execute(Pool pool, Decision d, Map<UUID, Server> members, Instant now) {
    try {
      return switch (d.action()) {
        case HOLD -> new Done(d, d.serverId(), Outcome.HELD, null);
        case START -> {
          Server server = members.get(d.serverId());
          boolean wasStopped = server != null && server.getStatus() == ServerStatus.STOPPED;
          lifecycle.start(d.serverId());
          if (wasStopped) {
            readyTimes.began(pool.getId(), d.serverId(), ReadyTimeLog.Kind.START, now);
          }
          yield new Done(d, d.serverId(), Outcome.EXECUTED, null);
        }
        case RENT -> rent(pool, d, members, now);
        case STOP -> {
          lifecycle.stop(d.serverId(), true); // drain: what runs there finishes first
          yield new Done(d, d.serverId(), Outcome.EXECUTED, null);
        }
        case DESTROY -> {
          lifecycle.destroy(d.serverId());
          yield new Done(d, d.serverId(), Outcome.EXECUTED, null);
        }
      };
    } catch (RuntimeException e) {
      log.warn("Pool {}: {} failed: {}", pool.getName(), d.action(), e.getMessage());
      return new Done(d, d.serverId(), Outcome.FAILED, String.valueOf(e.getMessage()));
    }
  }

  private Done rent(Pool pool, Decision d, Map<UUID, Server> members, Instant now) {
    Instant failedAt = lastFailure(pool, members);
    if (failedAt != null && failedAt.plus(settings.rentBackoff()).isAfter(now)) {
      return new Done(
          d,
          null,
          Outcome.FAILED,
          "not rented: a server of this pool failed at "
              + failedAt
              + "; no new rental until "
              + failedAt.plus(settings.rentBackoff())
              + " (gpufleet.autoscaler.rent-backoff)");
    }
    String name = pool.getName() + "-" + UUID.randomUUID().toString().substring(0, 6);
    UUID created =
        transaction.execute(
            status -> {
              Server server =
                  lifecycle.create(
                      new NewServer(
                          name,
                          pool.getProvider(),
                          pool.getSpec(),
                          null,
                          pool.getSetupScriptId(),
                          true,
                          null));
              poolService.join(pool.getId(), server.getId());
              readyTimes.began(pool.getId(), server.getId(), ReadyTimeLog.Kind.RENT, now);
              return server.getId();
            });
    return new Done(d, created, Outcome.EXECUTED, null);
  }

  /**
   * When a server of the pool last failed: one in ERROR now, or the latest destroyed for failing.
   */
  private @Nullable Instant lastFailure(Pool pool, Map<UUID, Server> members) {
    Instant latest =
        members.values().stream()
            .filter(s -> s.getStatus() == ServerStatus.ERROR)
            .map(Server::getStateChangedAt)
            .max(Instant::compareTo)
            .orElse(null);
    Timestamp destroyed =
        jdbc.queryForObject(
            "SELECT max(decided_at) FROM autoscale_decisions"
                + " WHERE pool_id = ? AND action = 'DESTROY' AND reason LIKE ?",
            Timestamp.class,
            pool.getId(),
            Autoscaler.FAILED_SERVER + "%");
    if (destroyed != null && (latest == null || destroyed.toInstant().isAfter(latest))) {
      latest = destroyed.toInstant();
    }
    return latest;
  }

  private void record(Pool pool, Instant now, Done done) {
    decisions.save(
        new AutoscaleDecision(
            pool.getId(),
            now,
            done.decision().action().name(),
            done.serverId(),
            done.decision().reason(),
            done.outcome(),
            done.error()));
  }
}
