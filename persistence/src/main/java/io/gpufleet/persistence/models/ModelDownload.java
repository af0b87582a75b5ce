package io.gpufleet.persistence.models;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One download of a model file onto a server. Written once by {@code save}; after that only through
 * the targeted updates of {@link ModelDownloadRepository}, so that progress, a cancel and the end
 * never overwrite each other.
 */
@Entity
@Table(name = "model_downloads")
public class ModelDownload {

  @Id private UUID id;

  @Column(name = "server_id", nullable = false, updatable = false)
  private UUID serverId;

  @Column(name = "user_id", nullable = false, updatable = false)
  private UUID userId;

  @Column(nullable = false, updatable = false)
  private String url;

  @Column(name = "final_url", updatable = false)
  private @Nullable String finalUrl;

  @Column(length = 64, updatable = false)
  private @Nullable String address;

  @Column(nullable = false, length = 64, updatable = false)
  private String folder;

  @Column(nullable = false, length = 255, updatable = false)
  private String filename;

  @Column(length = 64, updatable = false)
  private @Nullable String sha256;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16, updatable = false)
  private DownloadStatus status;

  @Column(updatable = false)
  private long bytes;

  @Column(name = "total_bytes", updatable = false)
  private @Nullable Long totalBytes;

  @Column(name = "bytes_per_second", insertable = false, updatable = false)
  private @Nullable Long bytesPerSecond;

  @Column(name = "eta_seconds", insertable = false, updatable = false)
  private @Nullable Long etaSeconds;

  @Column(insertable = false, updatable = false)
  private @Nullable String error;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "started_at", insertable = false, updatable = false)
  private @Nullable Instant startedAt;

  @Column(name = "finished_at", updatable = false)
  private @Nullable Instant finishedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected ModelDownload() {}

  /** A download about to be queued. */
  public ModelDownload(
      UUID serverId,
      UUID userId,
      String url,
      @Nullable String finalUrl,
      @Nullable String address,
      String folder,
      String filename,
      @Nullable String sha256,
      @Nullable Long totalBytes,
      Instant now) {
    this.id = UUID.randomUUID();
    this.serverId = serverId;
    this.userId = userId;
    this.url = url;
    this.finalUrl = finalUrl;
    this.address = address;
    this.folder = folder;
    this.filename = filename;
    this.sha256 = sha256;
    this.status = DownloadStatus.QUEUED;
    this.totalBytes = totalBytes;
    // as stored: PostgreSQL keeps microseconds
    this.createdAt = now.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * A download that ended before it was stored (for accounting, e.g. one done by another tool); its
   * bytes count towards the day's budget.
   */
  public static ModelDownload ended(
      UUID serverId,
      UUID userId,
      String url,
      String folder,
      String filename,
      DownloadStatus status,
      long bytes,
      Instant now) {
    ModelDownload row =
        new ModelDownload(serverId, userId, url, url, null, folder, filename, null, bytes, now);
    row.status = status;
    row.bytes = bytes;
    row.finishedAt = row.createdAt;
    return row;
  }

  public UUID getId() {
    return id;
  }

  public UUID getServerId() {
    return serverId;
  }

  public UUID getUserId() {
    return userId;
  }

  public String getUrl() {
    return url;
  }

  public @Nullable String getFinalUrl() {
    return finalUrl;
  }

  public @Nullable String getAddress() {
    return address;
  }

  public String getFolder() {
    return folder;
  }

  public String getFilename() {
    return filename;
  }

  public @Nullable String getSha256() {
    return sha256;
  }

  public DownloadStatus getStatus() {
    return status;
  }

  public long getBytes() {
    return bytes;
  }

  public @Nullable Long getTotalBytes() {
    return totalBytes;
  }

  public @Nullable Long getBytesPerSecond() {
    return bytesPerSecond;
  }

  public @Nullable Long getEtaSeconds() {
    return etaSeconds;
  }

  public @Nullable String getError() {
    return error;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public @Nullable Instant getStartedAt() {
    return startedAt;
  }

  public @Nullable Instant getFinishedAt() {
    return finishedAt;
  }
}
