package io.gpufleet.scheduler.pools;

import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.scheduler.autoscale.DemandProfile;
import io.gpufleet.scheduler.autoscale.RecentWaits;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * A pool's demand as the generations table has it: the queue of its workflows, their arrivals of
 * the last minutes, how the last hours' jobs waited, the work a job usually is, and the weekly
 * profile learned from the history (recomputed at most hourly: it has an hour's resolution, and it
 * reads weeks of rows).
 */
@Component
class PoolDemand {

  /** The recent minutes whose arrivals give the rate now. */
  static final int RECENT_MINUTES = 10;

  /** Finished jobs whose mean work stands for a job when nothing is queued. */
  static final int RECENT_JOBS = 200;

  static final Duration PROFILE_AGE = Duration.ofHours(1);

  private final NamedParameterJdbcTemplate jdbc;
  private final AutoscalerSettings settings;
  private final Map<UUID, Learned> profiles = new ConcurrentHashMap<>();

  PoolDemand(NamedParameterJdbcTemplate jdbc, AutoscalerSettings settings) {
    this.jdbc = jdbc;
    this.settings = settings;
  }

  /** The pool's queue now: how many jobs and their summed work units. */
  record Queue(int jobs, double work) {}

  Queue queue(Pool pool) {
    MapSqlParameterSource p = params(pool);
    return jdbc.queryForObject(
        "SELECT count(*), coalesce(sum(work), 0) FROM generations WHERE status = 'QUEUED'"
            + workflows(pool),
        p,
        (rs, row) -> new Queue(rs.getInt(1), rs.getDouble(2)));
  }

  /** Arrivals in each of the last whole minutes, oldest first. */
  List<Integer> recentArrivals(Pool pool, Instant now) {
    Instant to = now.truncatedTo(ChronoUnit.MINUTES);
    Instant from = to.minus(Duration.ofMinutes(RECENT_MINUTES));
    Map<Instant, Integer> counts = perMinute(pool, from, to);
    List<Integer> arrivals = new ArrayList<>();
    for (Instant m = from; m.isBefore(to); m = m.plus(Duration.ofMinutes(1))) {
      arrivals.add(counts.getOrDefault(m, 0));
    }
    return arrivals;
  }

  /**
   * How the pool's jobs created in the last {@link RecentWaits#WINDOW} waited for a server: those
   * dispatched, and those still queued longer than the target (late already, whatever comes); late
   * is a wait from creation to dispatch past the target.
   */
  RecentWaits recentWaits(Pool pool, Instant now, Duration target) {
    Instant lateBefore = now.minus(target);
    return jdbc.queryForObject(
        "SELECT count(*), count(*) FILTER (WHERE dispatched_at IS NULL"
            + " OR dispatched_at - created_at > :target * interval '1 second')"
            + " FROM generations WHERE created_at >= :from"
            + " AND (dispatched_at IS NOT NULL OR (status = 'QUEUED' AND created_at < :lateBefore))"
            + workflows(pool),
        params(pool)
            .addValue("from", Timestamp.from(now.minus(RecentWaits.WINDOW)))
            .addValue("lateBefore", Timestamp.from(lateBefore))
            .addValue("target", target.toMillis() / 1000.0),
        (rs, row) -> new RecentWaits(rs.getInt(1), rs.getInt(2)));
  }

  /** The mean work of a job: of the queue if any, otherwise of the latest finished jobs. */
  @Nullable Double meanWork(Pool pool, Queue queue) {
    if (queue.jobs() > 0) {
      return queue.work() / queue.jobs();
    }
    return jdbc.queryForObject(
        "SELECT avg(work) FROM (SELECT work FROM generations WHERE status = 'COMPLETED'"
            + workflows(pool)
            + " ORDER BY finished_at DESC LIMIT "
            + RECENT_JOBS
            + ") recent",
        params(pool),
        Double.class);
  }

  /** The weekly profile of the pool's arrivals, learned since its history began. */
  DemandProfile profile(Pool pool, Instant now) {
    Learned learned = profiles.get(pool.getId());
    if (learned != null
        && learned.workflows().equals(pool.getWorkflowIds())
        && learned.zone().equals(pool.getTimezone().getId())
        && Duration.between(learned.at(), now).abs().compareTo(PROFILE_AGE) < 0) {
      return learned.profile();
    }
    Instant to = now.truncatedTo(ChronoUnit.HOURS);
    Instant from = to.minus(settings.history());
    Timestamp first =
        jdbc.queryForObject(
            "SELECT min(created_at) FROM generations WHERE created_at >= :from" + workflows(pool),
            params(pool).addValue("from", Timestamp.from(from)),
            Timestamp.class);
    DemandProfile profile = DemandProfile.EMPTY;
    if (first != null) {
      // weeks before the first job are not quiet weeks: they were before the platform ran
      Instant since = first.toInstant().truncatedTo(ChronoUnit.HOURS);
      profile = DemandProfile.learn(perMinute(pool, since, to), since, to, pool.getTimezone());
    }
    profiles.put(
        pool.getId(), new Learned(profile, now, pool.getWorkflowIds(), pool.getTimezone().getId()));
    return profile;
  }

  /** Forgets what it learned (a test that writes history reads it at once). */
  void forget() {
    profiles.clear();
  }

  private Map<Instant, Integer> perMinute(Pool pool, Instant from, Instant to) {
    Map<Instant, Integer> counts = new HashMap<>();
    jdbc.query(
        "SELECT date_trunc('minute', created_at) AS minute, count(*) FROM generations"
            + " WHERE created_at >= :from AND created_at < :to"
            + workflows(pool)
            + " GROUP BY minute",
        params(pool).addValue("from", Timestamp.from(from)).addValue("to", Timestamp.from(to)),
        rs -> {
          counts.put(rs.getTimestamp(1).toInstant(), rs.getInt(2));
        });
    return counts;
  }

  private static String workflows(Pool pool) {
    return pool.getWorkflowIds().isEmpty() ? "" : " AND workflow_id IN (:workflows)";
  }

  private static MapSqlParameterSource params(Pool pool) {
    MapSqlParameterSource p = new MapSqlParameterSource();
    if (!pool.getWorkflowIds().isEmpty()) {
      p.addValue("workflows", List.copyOf(pool.getWorkflowIds()));
    }
    return p;
  }

  private record Learned(DemandProfile profile, Instant at, Set<UUID> workflows, String zone) {}
}
