package io.gpufleet.persistence.tasks;

import jakarta.persistence.LockModeType;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

public interface TaskRepository extends JpaRepository<Task, UUID>, JpaSpecificationExecutor<Task> {

  /** Locks the row for one state change (a cancel against a worker's claim). */
  @Lock(LockModeType.PESSIMISTIC_WRITE)
  @Query("select t from Task t where t.id = ?1")
  Optional<Task> lockById(UUID id);

  /**
   * Claims up to {@code limit} text tasks, locked, skipping rows another replica holds: pending
   * ones that are due, and running ones whose worker's lease ran out (its replica died), oldest due
   * first.
   */
  @Query(
      value =
          """
          SELECT t.id FROM tasks t
          WHERE t.type = 'text'
            AND ((t.status = 'PENDING' AND t.run_after <= :now)
              OR (t.status = 'RUNNING' AND t.lease_until < :now))
          ORDER BY t.run_after, t.id
          LIMIT :limit
          FOR UPDATE SKIP LOCKED
          """,
      nativeQuery = true)
  List<UUID> claimDue(Instant now, int limit);

  /** Image tasks that still follow their generation, locked, skipping rows others hold. */
  @Query(
      value =
          """
          SELECT t.id FROM tasks t
          WHERE t.type = 'image' AND t.status IN ('PENDING', 'RUNNING')
            AND t.generation_id IS NOT NULL
          ORDER BY t.created_at
          LIMIT :limit
          FOR UPDATE SKIP LOCKED
          """,
      nativeQuery = true)
  List<UUID> claimFollowing(int limit);

  Optional<Task> findByGenerationId(UUID generationId);
}
