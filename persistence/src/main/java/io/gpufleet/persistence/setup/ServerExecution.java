package io.gpufleet.persistence.setup;

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
 * One run of a script on a server. Written once by {@code save}; after that only through the
 * targeted updates of {@link ServerExecutionRepository}, so that appending output, recording steps
 * and finishing never overwrite each other (the entity maps no column as updatable).
 */
@Entity
@Table(name = "server_executions")
public class ServerExecution {

  @Id private UUID id;

  @Column(name = "server_id", nullable = false, updatable = false)
  private UUID serverId;

  @Column(name = "script_id", updatable = false)
  private @Nullable UUID scriptId;

  @Column(name = "script_name", nullable = false, length = 100, updatable = false)
  private String scriptName;

  @Column(name = "script_version", nullable = false, updatable = false)
  private int scriptVersion;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16, updatable = false)
  private ExecutionKind kind;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16, updatable = false)
  private ExecutionStatus status;

  /** The tail of the output; see {@link #getOutputDropped()}. */
  @Column(insertable = false, updatable = false)
  private String output = "";

  /** Characters appended in all: the absolute offset of the output's end. */
  @Column(name = "output_length", insertable = false, updatable = false)
  private long outputLength;

  /** Characters cut from the head to keep the stored output under its cap. */
  @Column(name = "output_dropped", insertable = false, updatable = false)
  private long outputDropped;

  @Column(insertable = false, updatable = false)
  private @Nullable Integer step;

  @Column(name = "step_total", insertable = false, updatable = false)
  private @Nullable Integer stepTotal;

  @Column(name = "step_title", insertable = false, updatable = false)
  private @Nullable String stepTitle;

  @Column(name = "exit_code", insertable = false, updatable = false)
  private @Nullable Integer exitCode;

  @Column(insertable = false, updatable = false)
  private @Nullable String error;

  @Column(name = "cancel_requested", insertable = false, updatable = false)
  private boolean cancelRequested;

  @Column(name = "created_at", nullable = false, updatable = false)
  private Instant createdAt;

  @Column(name = "started_at", insertable = false, updatable = false)
  private @Nullable Instant startedAt;

  @Column(name = "finished_at", insertable = false, updatable = false)
  private @Nullable Instant finishedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected ServerExecution() {}

  /** A run about to be queued. */
  public ServerExecution(
      UUID serverId,
      @Nullable UUID scriptId,
      String scriptName,
      int scriptVersion,
      ExecutionKind kind,
      Instant now) {
    this.id = UUID.randomUUID();
    this.serverId = serverId;
    this.scriptId = scriptId;
    this.scriptName = scriptName;
    this.scriptVersion = scriptVersion;
    this.kind = kind;
    this.status = ExecutionStatus.QUEUED;
    // as stored: PostgreSQL keeps microseconds
    this.createdAt = now.truncatedTo(ChronoUnit.MICROS);
  }

  public UUID getId() {
    return id;
  }

  public UUID getServerId() {
    return serverId;
  }

  public @Nullable UUID getScriptId() {
    return scriptId;
  }

  public String getScriptName() {
    return scriptName;
  }

  public int getScriptVersion() {
    return scriptVersion;
  }

  public ExecutionKind getKind() {
    return kind;
  }

  public ExecutionStatus getStatus() {
    return status;
  }

  /**
   * The stored tail of the output, without any marker; when {@link #getOutputDropped()} is above
   * zero, earlier output was cut.
   */
  public String getOutput() {
    return output;
  }

  public long getOutputLength() {
    return outputLength;
  }

  public long getOutputDropped() {
    return outputDropped;
  }

  public @Nullable Integer getStep() {
    return step;
  }

  public @Nullable Integer getStepTotal() {
    return stepTotal;
  }

  public @Nullable String getStepTitle() {
    return stepTitle;
  }

  public @Nullable Integer getExitCode() {
    return exitCode;
  }

  public @Nullable String getError() {
    return error;
  }

  public boolean isCancelRequested() {
    return cancelRequested;
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

  @Override
  public String toString() {
    return "ServerExecution[" + id + ", " + kind + " " + scriptName + ", " + status + "]";
  }
}
