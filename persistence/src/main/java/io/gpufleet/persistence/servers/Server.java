package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A GPU server of the fleet: the admin's intent and what its provider last reported. */
@Entity
@Table(name = "servers")
public class Server {

  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String name;

  @Column(nullable = false, length = 32)
  private String provider;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private ServerStatus status;

  @Column(name = "status_reason")
  private @Nullable String statusReason;

  @Enumerated(EnumType.STRING)
  @Column(name = "desired_state", nullable = false, length = 16)
  private DesiredState desiredState;

  @Embedded private ServerSpec spec;

  @Column(name = "offer_id")
  private @Nullable Long offerId;

  /** The provider's id of the machine (Vast.ai's instance id); absent until rented. */
  @Column(name = "instance_id", length = 64)
  private @Nullable String instanceId;

  /** Written on the rented instance so that it can always be found again. */
  @Column(nullable = false, length = 128)
  private String label;

  @Column(name = "price_per_hour")
  private @Nullable BigDecimal pricePerHour;

  @Column(name = "gpu_name", length = 64)
  private @Nullable String gpuName;

  @Column(name = "vram_mb")
  private @Nullable Long vramMb;

  @Column(name = "public_ip", length = 64)
  private @Nullable String publicIp;

  @Column(name = "comfy_url")
  private @Nullable String comfyUrl;

  /** A bearer token for a ComfyUI behind an auth proxy, encrypted at rest. */
  @Column(name = "comfy_token_enc")
  private @Nullable String comfyTokenEncrypted;

  @Column(name = "ssh_host")
  private @Nullable String sshHost;

  @Column(name = "ssh_port")
  private @Nullable Integer sshPort;

  @Column(name = "ssh_user", length = 64)
  private @Nullable String sshUser;

  /** For a registered server: shell commands run over SSH to start and stop its ComfyUI box. */
  @Column(name = "start_command")
  private @Nullable String startCommand;

  @Column(name = "stop_command")
  private @Nullable String stopCommand;

  @Column(name = "setup_script_id")
  private @Nullable UUID setupScriptId;

  @Column(name = "auto_setup", nullable = false)
  private boolean autoSetup;

  @Column(name = "set_up", nullable = false)
  private boolean setUp;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private HealthState health;

  @Column(name = "health_latency_ms")
  private @Nullable Integer healthLatencyMs;

  @Column(name = "health_queue_depth")
  private @Nullable Integer healthQueueDepth;

  @Column(name = "health_vram_free_mb")
  private @Nullable Long healthVramFreeMb;

  @Column(name = "health_error")
  private @Nullable String healthError;

  @Column(name = "health_checked_at")
  private @Nullable Instant healthCheckedAt;

  @Column(name = "health_failures", nullable = false)
  private int healthFailures;

  @Column(nullable = false)
  private boolean draining;

  @Column(name = "drain_deadline")
  private @Nullable Instant drainDeadline;

  @Column(name = "idle_stop_minutes")
  private @Nullable Integer idleStopMinutes;

  @Column(name = "last_activity_at")
  private @Nullable Instant lastActivityAt;

  @Column(name = "state_changed_at", nullable = false)
  private Instant stateChangedAt;

  /** When the current transition (renting, starting, stopping) must be done by. */
  @Column(name = "action_deadline")
  private @Nullable Instant actionDeadline;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version private long version;

  @SuppressWarnings("NullAway") // for JPA
  protected Server() {}

  public Server(String name, String provider, ServerSpec spec, Instant now) {
    this.id = UUID.randomUUID();
    this.name = name;
    this.provider = provider;
    this.spec = spec;
    this.status = ServerStatus.PROVISIONING;
    this.desiredState = DesiredState.RUNNING;
    this.label = "gpufleet-" + id;
    this.autoSetup = true;
    this.health = HealthState.UNKNOWN;
    this.stateChangedAt = now;
    this.createdAt = now;
    this.updatedAt = now;
  }

  // --- transitions -------------------------------------------------------------------------

  /** Moves to {@code next}; the reason is kept for ERROR and cleared otherwise. */
  public void moveTo(ServerStatus next, @Nullable String reason, Instant now) {
    if (next != status) {
      stateChangedAt = now;
    }
    status = next;
    statusReason = reason;
    updatedAt = now;
  }

  public void want(DesiredState desired, Instant now) {
    desiredState = desired;
    updatedAt = now;
  }

  public void setActionDeadline(@Nullable Instant deadline) {
    actionDeadline = deadline;
  }

  public void recordRental(
      long offerId,
      String instanceId,
      @Nullable BigDecimal pricePerHour,
      @Nullable String gpuName,
      Instant now) {
    this.offerId = offerId;
    this.instanceId = instanceId;
    this.pricePerHour = pricePerHour;
    this.gpuName = gpuName;
    this.updatedAt = now;
  }

  /** The admin picked this offer instead of a search by spec. */
  public void chooseOffer(long offerId, Instant now) {
    this.offerId = offerId;
    this.updatedAt = now;
  }

  /** The machine is gone: a new one will be rented under the same identity. */
  public void forgetRental(Instant now) {
    offerId = null;
    instanceId = null;
    clearEndpoints(now);
    setUp = false;
  }

  public void recordEndpoints(
      @Nullable String publicIp,
      @Nullable String comfyUrl,
      @Nullable String sshHost,
      @Nullable Integer sshPort,
      Instant now) {
    this.publicIp = publicIp;
    this.comfyUrl = comfyUrl;
    this.sshHost = sshHost;
    this.sshPort = sshPort;
    this.updatedAt = now;
  }

  public void clearEndpoints(Instant now) {
    recordEndpoints(null, null, null, null, now);
    health = HealthState.UNKNOWN;
    healthFailures = 0;
  }

  public void markSetUp(boolean setUp, Instant now) {
    this.setUp = setUp;
    this.updatedAt = now;
  }

  public void recordHealth(
      HealthState health,
      @Nullable Integer latencyMs,
      @Nullable Integer queueDepth,
      @Nullable Long vramFreeMb,
      @Nullable String error,
      int consecutiveFailures,
      Instant now) {
    this.health = health;
    this.healthLatencyMs = latencyMs;
    this.healthQueueDepth = queueDepth;
    this.healthVramFreeMb = vramFreeMb;
    this.healthError = error;
    this.healthFailures = consecutiveFailures;
    this.healthCheckedAt = now;
  }

  public void recordHardware(@Nullable String gpuName, @Nullable Long vramMb) {
    if (gpuName != null) {
      this.gpuName = gpuName;
    }
    if (vramMb != null) {
      this.vramMb = vramMb;
    }
  }

  public void startDraining(Instant deadline, Instant now) {
    draining = true;
    drainDeadline = deadline;
    updatedAt = now;
  }

  public void stopDraining(Instant now) {
    draining = false;
    drainDeadline = null;
    updatedAt = now;
  }

  public void recordActivity(Instant at) {
    if (lastActivityAt == null || at.isAfter(lastActivityAt)) {
      lastActivityAt = at;
    }
  }

  // --- settings ----------------------------------------------------------------------------

  public void rename(String newName, Instant now) {
    name = newName;
    updatedAt = now;
  }

  public void changeSpec(ServerSpec newSpec, Instant now) {
    spec = newSpec;
    updatedAt = now;
  }

  public void setSetup(@Nullable UUID scriptId, boolean autoSetup, Instant now) {
    this.setupScriptId = scriptId;
    this.autoSetup = autoSetup;
    this.updatedAt = now;
  }

  public void setIdleStopMinutes(@Nullable Integer minutes, Instant now) {
    this.idleStopMinutes = minutes;
    this.updatedAt = now;
  }

  public void setPricePerHour(@Nullable BigDecimal price, Instant now) {
    this.pricePerHour = price;
    this.updatedAt = now;
  }

  public void setComfyTokenEncrypted(@Nullable String encrypted) {
    this.comfyTokenEncrypted = encrypted;
  }

  public void setPowerCommands(@Nullable String start, @Nullable String stop) {
    this.startCommand = start;
    this.stopCommand = stop;
  }

  public void setSshUser(@Nullable String user) {
    this.sshUser = user;
  }

  // --- reading -----------------------------------------------------------------------------

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public String getProvider() {
    return provider;
  }

  public ServerStatus getStatus() {
    return status;
  }

  public @Nullable String getStatusReason() {
    return statusReason;
  }

  public DesiredState getDesiredState() {
    return desiredState;
  }

  public ServerSpec getSpec() {
    return spec;
  }

  public @Nullable Long getOfferId() {
    return offerId;
  }

  public @Nullable String getInstanceId() {
    return instanceId;
  }

  public String getLabel() {
    return label;
  }

  public @Nullable BigDecimal getPricePerHour() {
    return pricePerHour;
  }

  public @Nullable String getGpuName() {
    return gpuName;
  }

  public @Nullable Long getVramMb() {
    return vramMb;
  }

  public @Nullable String getPublicIp() {
    return publicIp;
  }

  public @Nullable String getComfyUrl() {
    return comfyUrl;
  }

  public @Nullable String getComfyTokenEncrypted() {
    return comfyTokenEncrypted;
  }

  public @Nullable String getSshHost() {
    return sshHost;
  }

  public @Nullable Integer getSshPort() {
    return sshPort;
  }

  public @Nullable String getSshUser() {
    return sshUser;
  }

  public @Nullable String getStartCommand() {
    return startCommand;
  }

  public @Nullable String getStopCommand() {
    return stopCommand;
  }

  public @Nullable UUID getSetupScriptId() {
    return setupScriptId;
  }

  public boolean isAutoSetup() {
    return autoSetup;
  }

  public boolean isSetUp() {
    return setUp;
  }

  public HealthState getHealth() {
    return health;
  }

  public @Nullable Integer getHealthLatencyMs() {
    return healthLatencyMs;
  }

  public @Nullable Integer getHealthQueueDepth() {
    return healthQueueDepth;
  }

  public @Nullable Long getHealthVramFreeMb() {
    return healthVramFreeMb;
  }

  public @Nullable String getHealthError() {
    return healthError;
  }

  public @Nullable Instant getHealthCheckedAt() {
    return healthCheckedAt;
  }

  public int getHealthFailures() {
    return healthFailures;
  }

  public boolean isDraining() {
    return draining;
  }

  public @Nullable Instant getDrainDeadline() {
    return drainDeadline;
  }

  public @Nullable Integer getIdleStopMinutes() {
    return idleStopMinutes;
  }

  public @Nullable Instant getLastActivityAt() {
    return lastActivityAt;
  }

  public Instant getStateChangedAt() {
    return stateChangedAt;
  }

  public @Nullable Instant getActionDeadline() {
    return actionDeadline;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  /** Takes work: running, set up, healthy and not draining. */
  public boolean isRoutable() {
    return status == ServerStatus.RUNNING
        && setUp
        && health == HealthState.HEALTHY
        && !draining
        && comfyUrl != null;
  }

  @Override
  public String toString() {
    return "Server[" + id + ", " + name + ", " + status + "]";
  }
}
