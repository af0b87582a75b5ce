package io.gpufleet.persistence.setup;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/**
 * Runs of scripts on servers. Every change after the insert is one targeted {@code UPDATE}; the
 * ones that end a run only touch a run still active, so the first ending wins.
 */
public interface ServerExecutionRepository extends JpaRepository<ServerExecution, UUID> {

  List<ServerExecution> findByServerIdOrderByCreatedAtDesc(UUID serverId);

  Optional<ServerExecution> findFirstByServerIdAndStatusIn(
      UUID serverId, Collection<ExecutionStatus> statuses);

  /**
   * Appends {@code chunk} in place, keeping at most {@code cap} characters (the tail). PostgreSQL
   * evaluates every right-hand side against the old row, so the three columns stay consistent.
   */
  @Modifying
  @Transactional
  @Query(
      nativeQuery = true,
      value =
          "update server_executions set"
              + " output = case when length(output) + length(:chunk) > :cap"
              + "   then right(output || :chunk, :cap) else output || :chunk end,"
              + " output_dropped = output_dropped"
              + "   + greatest(length(output) + length(:chunk) - :cap, 0),"
              + " output_length = output_length + length(:chunk),"
              + " heartbeat_at = now()"
              + " where id = :id")
  int appendOutput(UUID id, String chunk, int cap);

  /** Reads the output from an absolute offset on, without loading what comes before it. */
  @Query(
      nativeQuery = true,
      value =
          "select output_dropped as dropped, output_length as total,"
              + " substr(output, cast(greatest(:from - output_dropped, 0) as integer) + 1) as text"
              + " from server_executions where id = :id")
  Optional<OutputSlice> readOutput(UUID id, long from);

  /** A piece of a run's output, with where the stored tail begins and ends (absolute offsets). */
  interface OutputSlice {
    long getDropped();

    long getTotal();

    String getText();
  }

  @Modifying
  @Transactional
  @Query(
      "update ServerExecution e set e.status = ?3, e.startedAt = ?2"
          + " where e.id = ?1 and e.status = io.gpufleet.persistence.setup.ExecutionStatus.QUEUED")
  int markRunning(UUID id, Instant at, ExecutionStatus running);

  @Modifying
  @Transactional
  @Query(
      "update ServerExecution e set e.step = ?2, e.stepTotal = ?3, e.stepTitle = ?4"
          + " where e.id = ?1")
  int recordStep(UUID id, int step, int stepTotal, String title);

  /** Ends a run that is still active; 0 if something else ended it first. */
  @Modifying
  @Transactional
  @Query(
      "update ServerExecution e set e.status = ?2, e.exitCode = ?3, e.error = ?4,"
          + " e.finishedAt = ?5 where e.id = ?1 and e.status in ?6")
  int finish(
      UUID id,
      ExecutionStatus status,
      @Nullable Integer exitCode,
      @Nullable String error,
      Instant at,
      Collection<ExecutionStatus> active);

  /** Asks whichever replica runs it to cancel it. */
  @Modifying
  @Transactional
  @Query("update ServerExecution e set e.cancelRequested = true where e.id = ?1 and e.status in ?2")
  int requestCancel(UUID id, Collection<ExecutionStatus> active);

  /** Which of these runs were asked to cancel. */
  @Query("select e.id from ServerExecution e where e.id in ?1 and e.cancelRequested = true")
  List<UUID> findCancelRequested(Collection<UUID> ids);

  /** Tells the other replicas that the runs are alive (database time, shared by all). */
  @Modifying
  @Transactional
  @Query(
      nativeQuery = true,
      value = "update server_executions set heartbeat_at = now() where id in :ids")
  int heartbeat(Collection<UUID> ids);

  /**
   * Ends, as FAILED, active runs whose replica has not shown signs of life for {@code
   * staleSeconds}: it crashed or was killed.
   */
  @Modifying
  @Transactional
  @Query(
      nativeQuery = true,
      value =
          "update server_executions set status = 'FAILED', error = :error, finished_at = :at"
              + " where status in ('QUEUED', 'RUNNING')"
              + " and (heartbeat_at is null"
              + "   or heartbeat_at < now() - make_interval(secs => :staleSeconds))")
  int failAbandoned(String error, Instant at, double staleSeconds);
}
