package io.gpufleet.persistence.accounting;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A stretch of a server's time billed at one rate; open while {@code endedAt} is absent. */
@Entity
@Table(name = "billing_intervals")
public class BillingInterval {

  @Id private UUID id;

  @Column(name = "server_id", nullable = false)
  private UUID serverId;

  /** The server state this rate belongs to, e.g. RUNNING or STOPPED (storage). */
  @Column(name = "billed_state", nullable = false, length = 16)
  private String billedState;

  @Column(name = "price_per_hour", nullable = false)
  private BigDecimal pricePerHour;

  @Column(name = "started_at", nullable = false)
  private Instant startedAt;

  @Column(name = "ended_at")
  private @Nullable Instant endedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected BillingInterval() {}

  public BillingInterval(
      UUID serverId, String billedState, BigDecimal pricePerHour, Instant start) {
    this.id = UUID.randomUUID();
    this.serverId = serverId;
    this.billedState = billedState;
    this.pricePerHour = pricePerHour;
    this.startedAt = start;
  }

  public void end(Instant at) {
    this.endedAt = at.isBefore(startedAt) ? startedAt : at;
  }

  public UUID getId() {
    return id;
  }

  public UUID getServerId() {
    return serverId;
  }

  public String getBilledState() {
    return billedState;
  }

  public BigDecimal getPricePerHour() {
    return pricePerHour;
  }

  public Instant getStartedAt() {
    return startedAt;
  }

  public @Nullable Instant getEndedAt() {
    return endedAt;
  }
}
