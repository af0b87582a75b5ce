package io.gpufleet.persistence.generations;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface GenerationRepository
    extends JpaRepository<Generation, UUID>, JpaSpecificationExecutor<Generation> {

  /** Locks the row for one state change; events of one prompt never interleave. */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select g from Generation g where g.id = ?1")
  Optional<Generation> lockById(UUID id);

  /**
   * Claims up to {@code limit} queued generations, locked, skipping rows another replica holds:
   * priority first, then the users with the fewest running (fair share), then FIFO. Users at their
   * running cap are passed over. The rows come whole, in that order (no second read by id).
   */
  @Query(
      value =
          """
          SELECT g.* FROM generations g
          WHERE g.status = 'QUEUED'
            AND (SELECT count(*) FROM generations r
                 WHERE r.user_id = g.user_id AND r.status = 'RUNNING') < :runningCap
          ORDER BY g.priority DESC,
                   (SELECT count(*) FROM generations r
                    WHERE r.user_id = g.user_id AND r.status = 'RUNNING'),
                   g.created_at, g.id
          LIMIT :limit
          FOR UPDATE OF g SKIP LOCKED
          """,
      nativeQuery = true)
  List<Generation> claimQueued(int runningCap, int limit);

  @Query("select g from Generation g where g.attempt.promptId = ?1")
  Optional<Generation> findByPromptId(UUID promptId);

  List<Generation> findByStatus(GenerationStatus status);

  @Query("select g from Generation g where g.status = ?1 and g.attempt.dispatchedBy = ?2")
  List<Generation> findByStatusAndDispatchedBy(GenerationStatus status, String replica);

  long countByStatus(GenerationStatus status);

  @Query("select count(g) from Generation g where g.attempt.serverId = ?1 and g.status = ?2")
  long countByServerIdAndStatus(UUID serverId, GenerationStatus status);

  long countByUserIdAndStatus(UUID userId, GenerationStatus status);

  /** Whether anything waits in the queue (an index-only look at the queue's partial index). */
  @Query(
      value = "SELECT EXISTS (SELECT 1 FROM generations WHERE status = 'QUEUED')",
      nativeQuery = true)
  boolean anyQueued();

  @Query(
      "select count(g) from Generation g where g.status = 'QUEUED'"
          + " and (g.request.priority > ?1"
          + " or (g.request.priority = ?1 and g.timings.createdAt < ?2))")
  long countQueuedAhead(int priority, Instant createdAt);

  /**
   * Running generations per server, for routing: [serverId, count, work left], the work of each
   * counted by what its progress says is left of it. One whose outputs wait in a spool is done with
   * its server.
   */
  @Query(
      "select g.attempt.serverId, count(g), sum(g.work * (100 - g.progress.percent) / 100.0)"
          + " from Generation g where g.status = 'RUNNING' and g.outputsPending = 0"
          + " and g.attempt.serverId is not null group by g.attempt.serverId")
  List<Object[]> runningPerServer();

  /** Mean seconds of the last 50 successful runs, for estimates; 10 with no history. */
  @Query(
      value =
          """
          SELECT coalesce(avg(extract(epoch FROM (finished_at - started_at))), 10.0) FROM (
            SELECT finished_at, started_at FROM generations
            WHERE status = 'COMPLETED' AND started_at IS NOT NULL
            ORDER BY finished_at DESC LIMIT 50) recent
          """,
      nativeQuery = true)
  double meanRunSeconds();

  /**
   * Per server, a workflow's last 20 successful runs there: [serverId, mean seconds, runs], for the
   * estimates of a workflow's analysis.
   */
  @Query(
      value =
          """
          SELECT server_id, avg(seconds), count(*) FROM (
            SELECT server_id, extract(epoch FROM (finished_at - started_at)) AS seconds,
                   row_number() OVER (PARTITION BY server_id ORDER BY finished_at DESC) AS n
            FROM generations
            WHERE workflow_id = ?1 AND status = 'COMPLETED'
              AND started_at IS NOT NULL AND server_id IS NOT NULL) recent
          WHERE n <= 20 GROUP BY server_id
          """,
      nativeQuery = true)
  List<Object[]> recentRunSecondsByServer(UUID workflowId);
}
