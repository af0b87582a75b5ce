package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
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

/**
 * A GPU server of the fleet: the admin's intent and what its provider last reported. Its lifecycle
 * (status, desired state, draining, deadlines) lives here; what it holds beside that are values:
 * its {@link ServerSpec}, {@link Lease}, {@link Addresses}, {@link Access}, {@link HealthReport},
 * {@link SetupState} and {@link IdleStop}.
 */
@Entity
@Table(name = "servers")
public class Server {

  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String name;

  @Column(nullable = false, length = 32)
  private String provider;

  /** Written on the rented instance so that it can always be found again. */
  @Column(nullable = false, length = 128)
  private String label;

  /** What it runs; ComfyUI generations never go to an Ollama server, nor chat to a ComfyUI. */
  @Convert(converter = ServerEngine.Column.class)
  @Column(nullable = false, length = 16)
  private ServerEngine engine = ServerEngine.COMFYUI;

  // the lifecycle
  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private ServerStatus status;

  @Column(name = "status_reason")
  private @Nullable String statusReason;

  @Enumerated(EnumType.STRING)
  @Column(name = "desired_state", nullable = false, length = 16)
  private DesiredState desiredState;

  @Embedded private Drain drain;

  @Column(name = "state_changed_at", nullable = false)
  private Instant stateChangedAt;

  /** When the current transition (renting, starting, stopping) must be done by. */
  @Column(name = "action_deadline")
  private @Nullable Instant actionDeadline;

  // what it holds; Hibernate reads an embedded value whose columns are all null as null, which
  // the getters read as the empty value
  @Embedded private ServerSpec spec;
  @Embedded private @Nullable Lease lease;
  @Embedded private @Nullable Addresses addresses;
  @Embedded private @Nullable Access access;
  @Embedded private HealthReport health;
  @Embedded private SetupState setup;
  @Embedded private @Nullable IdleStop idleStop;
  @Embedded private @Nullable Capacity capacity;

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
    this.label = "gpufleet-" + id;
    this.spec = spec;
    this.status = ServerStatus.PROVISIONING;
    this.desiredState = DesiredState.RUNNING;
    this.health = HealthReport.NEVER_PROBED;
    this.setup = SetupState.NOT_YET;
    this.drain = Drain.NONE;
    this.capacity = Capacity.DEFAULT;
    this.stateChangedAt = now;
    this.createdAt = now;
    this.updatedAt = now;
  }

  // --- lifecycle ---------------------------------------------------------------------------

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

  public void startDraining(Instant deadline, Instant now) {
    drain = new Drain(true, deadline);
    updatedAt = now;
  }

  public void stopDraining(Instant now) {
    drain = Drain.NONE;
    updatedAt = now;
  }

  // --- what the provider and the probes report ---------------------------------------------

  public void recordRental(
      long offerId,
      String instanceId,
      @Nullable BigDecimal pricePerHour,
      @Nullable String gpuName,
      Instant now) {
    lease = new Lease(offerId, instanceId, pricePerHour, gpuName, getLease().vramMb());
    updatedAt = now;
  }

  /** The admin picked this offer instead of a search by spec. */
  public void chooseOffer(long offerId, Instant now) {
    lease = getLease().withOffer(offerId);
    updatedAt = now;
  }

  /** The machine is gone: a new one will be rented under the same identity. */
  public void forgetRental(Instant now) {
    lease = getLease().forgotten();
    clearEndpoints(now);
    setup = setup.withDone(false);
  }

  public void recordEndpoints(Addresses reported, Instant now) {
    addresses = reported;
    updatedAt = now;
  }

  public void clearEndpoints(Instant now) {
    recordEndpoints(Addresses.NONE, now);
    health = health.unknownAgain();
  }

  /** What the last probe said no longer holds (the machine stopped); the addresses stay. */
  public void forgetHealth(Instant now) {
    health = health.unknownAgain();
    updatedAt = now;
  }

  public void recordHealth(HealthReport report) {
    health = report;
  }

  public void recordHardware(@Nullable String gpuName, @Nullable Long vramMb) {
    lease = getLease().withHardware(gpuName, vramMb);
  }

  public void markSetUp(boolean setUp, Instant now) {
    setup = setup.withDone(setUp);
    updatedAt = now;
  }

  public void recordActivity(Instant at) {
    idleStop = getIdleStop().withActivity(at);
  }

  // --- settings ----------------------------------------------------------------------------

  public void rename(String newName, Instant now) {
    name = newName;
    updatedAt = now;
  }

  public void setSetup(@Nullable UUID scriptId, boolean autoSetup, Instant now) {
    setup = new SetupState(scriptId, autoSetup, setup.done());
    updatedAt = now;
  }

  public void setIdleStopMinutes(@Nullable Integer minutes, Instant now) {
    idleStop = getIdleStop().withMinutes(minutes);
    updatedAt = now;
  }

  public void setPricePerHour(@Nullable BigDecimal price, Instant now) {
    lease = getLease().withPrice(price);
    updatedAt = now;
  }

  public void setCapacity(Capacity newCapacity, Instant now) {
    capacity = newCapacity;
    updatedAt = now;
  }

  public void setAccess(Access newAccess) {
    access = newAccess;
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

  public ServerEngine getEngine() {
    return engine;
  }

  /** Chosen when the server is created; a server does not change what it runs. */
  public void setEngine(ServerEngine engine) {
    this.engine = engine;
  }

  public String getLabel() {
    return label;
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

  public Capacity getCapacity() {
    return capacity == null ? Capacity.DEFAULT : capacity;
  }

  public Drain getDrain() {
    return drain;
  }

  public ServerSpec getSpec() {
    return spec;
  }

  public Lease getLease() {
    return lease == null ? Lease.NONE : lease;
  }

  public Addresses getAddresses() {
    return addresses == null ? Addresses.NONE : addresses;
  }

  public Access getAccess() {
    return access == null ? Access.NONE : access;
  }

  public HealthReport getHealth() {
    return health;
  }

  public SetupState getSetup() {
    return setup;
  }

  public IdleStop getIdleStop() {
    return idleStop == null ? IdleStop.NEVER : idleStop;
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

  /** Takes ComfyUI work: a ComfyUI server running, set up, healthy and not draining. */
  public boolean isRoutable() {
    return engine == ServerEngine.COMFYUI
        && status == ServerStatus.RUNNING
        && setup.done()
        && health.state() == HealthState.HEALTHY
        && !drain.active()
        && getAddresses().comfyUrl() != null;
  }

  /** Takes language-model calls: an Ollama server running, set up, healthy, with its URL. */
  public boolean isOllamaRoutable() {
    return engine == ServerEngine.OLLAMA
        && status == ServerStatus.RUNNING
        && setup.done()
        && health.state() == HealthState.HEALTHY
        && !drain.active()
        && getAddresses().ollamaUrl() != null;
  }

  @Override
  public String toString() {
    return "Server[" + id + ", " + name + ", " + status + "]";
  }
}
