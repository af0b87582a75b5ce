package io.gpufleet.scheduler.pools;

import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.accounting.BudgetGuard;
import io.gpufleet.scheduler.autoscale.Demand;
import io.gpufleet.scheduler.autoscale.PoolPolicy;
import io.gpufleet.scheduler.autoscale.PoolServer;
import io.gpufleet.scheduler.autoscale.PoolState;
import io.gpufleet.scheduler.schedules.ScheduleService;
import io.gpufleet.scheduler.servers.DrainProbe;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Builds the {@link PoolState} the policy decides from, out of the database: the pool's servers and
 * their states, its queue and arrivals, measured speeds and ready times, the learned profile, the
 * budget guard's say and the servers' schedules.
 */
@Component
class PoolStates {

  private final ServerRepository servers;
  private final PoolDemand demand;
  private final ReadyTimeLog readyTimes;
  private final ScheduleService schedules;
  private final BudgetGuard budget;
  private final ObjectProvider<DrainProbe> work;
  private final JdbcTemplate jdbc;

  PoolStates(
      ServerRepository servers,
      PoolDemand demand,
      ReadyTimeLog readyTimes,
      ScheduleService schedules,
      BudgetGuard budget,
      ObjectProvider<DrainProbe> work,
      JdbcTemplate jdbc) {
    this.servers = servers;
    this.demand = demand;
    this.readyTimes = readyTimes;
    this.schedules = schedules;
    this.budget = budget;
    this.work = work;
    this.jdbc = jdbc;
  }

  /** The pool's live servers (not destroyed, not on their way out), oldest first. */
  List<Server> members(Pool pool) {
    List<Server> found = new ArrayList<>();
    for (Server server : servers.findAllById(pool.getServerIds())) {
      if (state(server) != null) {
        found.add(server);
      }
    }
    found.sort(Comparator.comparing(Server::getCreatedAt).thenComparing(Server::getId));
    return found;
  }

  PoolState of(Pool pool, List<Server> members, Instant now) {
    PoolDemand.Queue queue = demand.queue(pool);
    Double meanWork = demand.meanWork(pool, queue);
    Map<UUID, Double> speeds = speeds();
    DrainProbe probe = work.getIfAvailable(() -> DrainProbe.NONE);

    List<PoolServer> view = new ArrayList<>();
    double speedSum = 0;
    int measured = 0;
    BigDecimal dearest = BigDecimal.ZERO;
    for (Server server : members) {
      Double speed = speeds.get(server.getId());
      Duration jobTime = null;
      if (speed != null && meanWork != null && speed > 0) {
        jobTime = Duration.ofMillis(Math.max(1, Math.round(meanWork / speed * 1000)));
        speedSum += speed;
        measured++;
      }
      BigDecimal price = server.getLease().pricePerHour();
      if (price != null && price.compareTo(dearest) > 0) {
        dearest = price;
      }
      ScheduleService.Outlook outlook = schedules.outlook(server.getId(), now);
      view.add(
          new PoolServer(
              server.getId(),
              server.getName(),
              state(server),
              server.getStateChangedAt(),
              lastBusy(server),
              jobTime,
              probe.activeWork(server.getId()),
              price == null ? 0 : price.doubleValue(),
              outlook.upNow(),
              outlook.nextStart()));
    }
    // the queue's work in server time, at the mean measured speed; unmeasured: jobs x job time
    Duration queuedWork =
        measured == 0 || queue.jobs() == 0
            ? null
            : Duration.ofMillis(Math.round(queue.work() / (speedSum / measured) * 1000));

    BigDecimal price = pool.getSpec().maxPricePerHour();
    String refusal =
        budget.refuseSpending(price != null ? price : dearest).map(PoolStates::lower).orElse(null);
    PoolPolicy policy = policy(pool);
    return new PoolState(
        now,
        policy,
        view,
        new Demand(
            queue.jobs(),
            queuedWork,
            demand.recentArrivals(pool, now),
            demand.recentWaits(pool, now, policy.targetWait())),
        readyTimes.of(pool.getId()),
        demand.profile(pool, now),
        refusal);
  }

  static PoolPolicy policy(Pool pool) {
    PoolLimits limits = pool.getLimits();
    return new PoolPolicy(
        pool.getName(),
        limits.minServers(),
        limits.maxServers(),
        limits.targetWait(),
        limits.idleStopAfter(),
        limits.destroyStoppedAfter(),
        limits.defaultJobTime());
  }

  /**
   * Where a server is for the policy; absent for one it must not count or act on (stopping: it can
   * neither take work nor start before it is stopped; destroyed or being destroyed).
   */
  static PoolServer.@Nullable State state(Server server) {
    return switch (server.getStatus()) {
      case RUNNING ->
          server.getDrain().active()
              ? PoolServer.State.DRAINING
              : server.isRoutable() ? PoolServer.State.READY : PoolServer.State.BOOTING;
      case PROVISIONING, LOADING, STARTING -> PoolServer.State.BOOTING;
      case STOPPED -> PoolServer.State.STOPPED;
      case ERROR -> PoolServer.State.FAILED;
      case STOPPING, DESTROYING, DESTROYED -> null;
    };
  }

  /** Idle counts from its last generation, or from when it last changed state. */
  private static Instant lastBusy(Server server) {
    Instant since = server.getStateChangedAt();
    Instant activity = server.getIdleStop().lastActivityAt();
    return activity != null && activity.isAfter(since) ? activity : since;
  }

  private Map<UUID, Double> speeds() {
    Map<UUID, Double> speeds = new HashMap<>();
    jdbc.query(
        "SELECT server_id, work_per_second FROM server_speeds",
        rs -> {
          speeds.put(rs.getObject(1, UUID.class), rs.getDouble(2));
        });
    return speeds;
  }

  private static String lower(String reason) {
    return reason.isEmpty()
        ? reason
        : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
  }
}
