package io.gpufleet.persistence.pools;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** One decision of the autoscaler for a pool, its reason, and what came of it. Written once. */
@Entity
@Table(name = "autoscale_decisions")
public class AutoscaleDecision {

  /** What came of a decision. */
  public enum Outcome {
    /** Done; for a rental, the server is the new one. */
    EXECUTED,
    /** Tried and refused or failed: see the error. */
    FAILED,
    /** A hold: more was wanted but may not be had (the budget, the pool's maximum). */
    HELD
  }

  @Id private UUID id;

  @Column(insertable = false, updatable = false)
  private @Nullable Long seq;

  @Column(name = "pool_id", nullable = false)
  private UUID poolId;

  @Column(name = "decided_at", nullable = false)
  private Instant decidedAt;

  @Column(nullable = false, length = 16)
  private String action;

  @Column(name = "server_id")
  private @Nullable UUID serverId;

  @Column(nullable = false)
  private String reason;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private Outcome outcome;

  private @Nullable String error;

  @SuppressWarnings("NullAway") // for JPA
  protected AutoscaleDecision() {}

  public AutoscaleDecision(
      UUID poolId,
      Instant decidedAt,
      String action,
      @Nullable UUID serverId,
      String reason,
      Outcome outcome,
      @Nullable String error) {
    this.id = UUID.randomUUID();
    this.poolId = poolId;
    this.decidedAt = decidedAt;
    this.action = action;
    this.serverId = serverId;
    this.reason = reason;
    this.outcome = outcome;
    this.error = error;
  }

  public UUID getId() {
    return id;
  }

  public UUID getPoolId() {
    return poolId;
  }

  public Instant getDecidedAt() {
    return decidedAt;
  }

  public String getAction() {
    return action;
  }

  public @Nullable UUID getServerId() {
    return serverId;
  }

  public String getReason() {
    return reason;
  }

  public Outcome getOutcome() {
    return outcome;
  }

  public @Nullable String getError() {
    return error;
  }
}
