package io.gpufleet.persistence.pools;

import io.gpufleet.persistence.servers.ServerSpec;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A pool the autoscaler sizes: the spec its new servers are rented from, the workflows whose queue
 * it serves (none: all), its limits, and its servers (each in at most one pool).
 */
@Entity
@Table(name = "pools")
public class Pool {

  @Id private UUID id;

  @Column(nullable = false, length = 80)
  private String name;

  @Column(nullable = false)
  private boolean enabled;

  @Column(nullable = false, length = 32)
  private String provider;

  @Embedded private ServerSpec spec;

  @Column(name = "setup_script_id")
  private @Nullable UUID setupScriptId;

  @Column(name = "min_servers", nullable = false)
  private int minServers;

  @Column(name = "max_servers", nullable = false)
  private int maxServers;

  @Column(name = "target_wait_seconds", nullable = false)
  private int targetWaitSeconds;

  @Column(name = "idle_stop_seconds", nullable = false)
  private int idleStopSeconds;

  @Column(name = "destroy_stopped_seconds")
  private @Nullable Integer destroyStoppedSeconds;

  @Column(name = "default_job_seconds", nullable = false)
  private int defaultJobSeconds;

  @Column(nullable = false, length = 64)
  private String timezone;

  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "pool_workflows", joinColumns = @JoinColumn(name = "pool_id"))
  @Column(name = "workflow_id")
  private Set<UUID> workflowIds = new HashSet<>();

  @ElementCollection(fetch = FetchType.EAGER)
  @CollectionTable(name = "pool_servers", joinColumns = @JoinColumn(name = "pool_id"))
  @Column(name = "server_id")
  private Set<UUID> serverIds = new HashSet<>();

  // the autoscaler writes these by SQL, so that its ticks never conflict with an admin's change
  @Column(name = "last_run_at", insertable = false, updatable = false)
  private @Nullable Instant lastRunAt;

  @Column(name = "last_summary", insertable = false, updatable = false)
  private @Nullable String lastSummary;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version private long version;

  @SuppressWarnings("NullAway") // for JPA
  protected Pool() {}

  public Pool(
      String name,
      String provider,
      ServerSpec spec,
      PoolLimits limits,
      ZoneId timezone,
      boolean enabled,
      Instant now) {
    this.id = UUID.randomUUID();
    this.name = name;
    this.provider = provider;
    this.spec = spec;
    this.timezone = timezone.getId();
    this.enabled = enabled;
    this.createdAt = now;
    setLimits(limits, now);
  }

  public void rename(String newName, Instant now) {
    name = newName;
    updatedAt = now;
  }

  public void setEnabled(boolean on, Instant now) {
    enabled = on;
    updatedAt = now;
  }

  public void setSpec(ServerSpec newSpec, Instant now) {
    spec = newSpec;
    updatedAt = now;
  }

  public void setSetupScriptId(@Nullable UUID scriptId, Instant now) {
    setupScriptId = scriptId;
    updatedAt = now;
  }

  public void setTimezone(ZoneId zone, Instant now) {
    timezone = zone.getId();
    updatedAt = now;
  }

  public void setLimits(PoolLimits limits, Instant now) {
    minServers = limits.minServers();
    maxServers = limits.maxServers();
    targetWaitSeconds = seconds(limits.targetWait());
    idleStopSeconds = seconds(limits.idleStopAfter());
    destroyStoppedSeconds =
        limits.destroyStoppedAfter() == null ? null : seconds(limits.destroyStoppedAfter());
    defaultJobSeconds = seconds(limits.defaultJobTime());
    updatedAt = now;
  }

  public void setWorkflowIds(Set<UUID> ids, Instant now) {
    workflowIds.clear();
    workflowIds.addAll(ids);
    updatedAt = now;
  }

  public void setServerIds(Set<UUID> ids, Instant now) {
    serverIds.clear();
    serverIds.addAll(ids);
    updatedAt = now;
  }

  public void addServer(UUID serverId, Instant now) {
    serverIds.add(serverId);
    updatedAt = now;
  }

  private static int seconds(Duration d) {
    return Math.toIntExact(d.toSeconds());
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public String getProvider() {
    return provider;
  }

  public ServerSpec getSpec() {
    return spec;
  }

  public @Nullable UUID getSetupScriptId() {
    return setupScriptId;
  }

  public PoolLimits getLimits() {
    return new PoolLimits(
        minServers,
        maxServers,
        Duration.ofSeconds(targetWaitSeconds),
        Duration.ofSeconds(idleStopSeconds),
        destroyStoppedSeconds == null ? null : Duration.ofSeconds(destroyStoppedSeconds),
        Duration.ofSeconds(defaultJobSeconds));
  }

  public ZoneId getTimezone() {
    return ZoneId.of(timezone);
  }

  public Set<UUID> getWorkflowIds() {
    return Set.copyOf(workflowIds);
  }

  public Set<UUID> getServerIds() {
    return Set.copyOf(serverIds);
  }

  public @Nullable Instant getLastRunAt() {
    return lastRunAt;
  }

  public @Nullable String getLastSummary() {
    return lastSummary;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  @Override
  public String toString() {
    return "Pool[" + id + ", " + name + "]";
  }
}
