package io.gpufleet.api.routing;

import io.gpufleet.scheduler.pools.PoolsChanged;
import io.gpufleet.scheduler.routing.RoutingPolicy.Candidate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * The servers of pools that serve named workflows are kept for those workflows: the autoscaler
 * sized the pool for their queue alone, and another workflow's jobs on its servers would make its
 * promised wait a lie (and keep its idle servers from stopping). A server of a pool that serves
 * every workflow, or of no pool, takes any job; a pinned job goes where it is pinned.
 */
@Component
public class PoolReservations {

  /** Pools change by an admin's hand: a picture this old is fresh enough for every replica. */
  static final Duration FRESH = Duration.ofSeconds(2);

  private final JdbcTemplate jdbc;

  private record Picture(Map<UUID, Set<UUID>> byServer, long takenAt) {}

  private volatile @Nullable Picture picture;

  /** Bumped on every change, so that a picture read while one commits is not kept. */
  private final AtomicLong changes = new AtomicLong();

  PoolReservations(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** This replica sees a change at once; the others within {@link #FRESH}. */
  @TransactionalEventListener(fallbackExecution = true)
  void on(PoolsChanged changed) {
    changes.incrementAndGet();
    picture = null;
  }

  /** Each reserved server and the workflows it is kept for. */
  public Map<UUID, Set<UUID>> now() {
    Picture p = picture;
    long nanos = System.nanoTime();
    if (p == null || nanos - p.takenAt() > FRESH.toNanos()) {
      long seen = changes.get();
      Map<UUID, Set<UUID>> byServer = new HashMap<>();
      jdbc.query(
          """
          SELECT s.server_id, w.workflow_id
            FROM pool_servers s JOIN pool_workflows w ON w.pool_id = s.pool_id
          """,
          rs -> {
            byServer
                .computeIfAbsent(rs.getObject(1, UUID.class), k -> new HashSet<>())
                .add(rs.getObject(2, UUID.class));
          });
      p = new Picture(Map.copyOf(byServer), nanos);
      if (changes.get() == seen) {
        picture = p;
      }
    }
    return p.byServer();
  }

  /** The candidates a job of {@code workflow} may go to ({@code null}: a prompt of no workflow). */
  public static List<Candidate> openTo(
      List<Candidate> candidates, Map<UUID, Set<UUID>> reserved, @Nullable UUID workflow) {
    if (reserved.isEmpty()) {
      return candidates;
    }
    List<Candidate> open = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      Set<UUID> keptFor = reserved.get(c.id());
      if (keptFor == null || (workflow != null && keptFor.contains(workflow))) {
        open.add(c);
      }
    }
    return open;
  }
}
