package io.gpufleet.persistence.models;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/**
 * Model downloads. Every change after the insert is one targeted {@code UPDATE} that only touches a
 * download still active, so a cancel and the end race safely: the first one wins.
 */
public interface ModelDownloadRepository extends JpaRepository<ModelDownload, UUID> {

  List<ModelDownload> findByServerIdOrderByCreatedAtDesc(UUID serverId);

  List<ModelDownload> findByStatusIn(Collection<DownloadStatus> statuses);

  long countByServerIdAndStatusIn(UUID serverId, Collection<DownloadStatus> statuses);

  /**
   * The bytes a user's downloads created since {@code since} count: what active and completed ones
   * will transfer in all, and what ended ones did transfer.
   */
  @Query(
      nativeQuery = true,
      value =
          "select coalesce(sum(case when status in ('QUEUED', 'DOWNLOADING', 'VERIFYING',"
              + " 'COMPLETED') then greatest(coalesce(total_bytes, 0), bytes) else bytes end), 0)"
              + " from model_downloads where user_id = :userId and created_at >= :since")
  long bytesSince(UUID userId, Instant since);

  /** Serializes the budget checks of one user (the row lock of the user). */
  @Query(nativeQuery = true, value = "select 1 from users where id = :userId for update")
  @Nullable Integer lockUser(UUID userId);

  @Modifying
  @Transactional
  @Query(
      "update ModelDownload d set d.status = io.gpufleet.persistence.models.DownloadStatus"
          + ".DOWNLOADING, d.startedAt = ?2"
          + " where d.id = ?1 and d.status = io.gpufleet.persistence.models.DownloadStatus.QUEUED")
  int markStarted(UUID id, Instant at);

  /** Records progress of a download still under way; 0 if it ended (e.g. was cancelled). */
  @Modifying
  @Transactional
  @Query(
      "update ModelDownload d set d.status = ?2, d.bytes = ?3, d.totalBytes = ?4,"
          + " d.bytesPerSecond = ?5, d.etaSeconds = ?6"
          + " where d.id = ?1 and d.status in ?7")
  int progress(
      UUID id,
      DownloadStatus status,
      long bytes,
      @Nullable Long totalBytes,
      @Nullable Long bytesPerSecond,
      @Nullable Long etaSeconds,
      Collection<DownloadStatus> active);

  /** Ends a download that is still active; 0 if something else ended it first. */
  @Modifying
  @Transactional
  @Query(
      "update ModelDownload d set d.status = ?2, d.error = ?3, d.finishedAt = ?4,"
          + " d.etaSeconds = null where d.id = ?1 and d.status in ?5")
  int finish(
      UUID id,
      DownloadStatus status,
      @Nullable String error,
      Instant at,
      Collection<DownloadStatus> active);
}
