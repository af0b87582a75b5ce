package io.gpufleet.persistence.generations;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One generation: the {@link Request} (with the exact graph that runs, the snapshot), its current
 * {@link Attempt}, its {@link Progress}, the outcome and its {@link Timings}. State changes happen
 * under a row lock ({@link GenerationRepository#lockById}), so concurrent events of one prompt
 * never interleave.
 */
@Entity
@Table(name = "generations")
public class Generation {

  @Id private UUID id;

  @Column(name = "user_id", nullable = false)
  private UUID userId;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private GenerationStatus status;

  @Embedded private Request request;
  @Embedded private Attempt attempt;
  @Embedded private Progress progress;

  /** Why the last attempt ended badly; absent once one completes. */
  @Embedded private @Nullable Failure failure;

  private @Nullable String outputs;

  /** Outputs kept in a replica's spool until the result store takes them; 0 once stored. */
  @Column(name = "outputs_pending", nullable = false)
  private int outputsPending;

  /** When retention deleted its outputs' files (the record and its output list stay). */
  @Column(name = "outputs_deleted_at")
  private @Nullable Instant outputsDeletedAt;

  /** Seconds its server spent on it (the run, from start to end). */
  @Column(name = "gpu_seconds")
  private @Nullable Double gpuSeconds;

  /** Its share of the server's time at the server's $/h. */
  @Column(name = "cost")
  private @Nullable BigDecimal cost;

  @Embedded private Timings timings;

  /**
   * What running its graph costs a server, in sampler steps at 512x512 (times the batch), as
   * estimated when it was dispatched: what routing weighs a server's queue in.
   */
  @Column(name = "work", nullable = false)
  private double work = 1;

  /** Where it was submitted: {@link #SOURCE_API} or {@link #SOURCE_COMFY}. */
  @Column(nullable = false, length = 16)
  private String source = SOURCE_API;

  /** Submitted through the v1 API (or the console). */
  public static final String SOURCE_API = "api";

  /** Submitted as a prompt through the ComfyUI-compatible endpoint. */
  public static final String SOURCE_COMFY = "comfy";

  protected Generation() {}

  /** A queued generation of {@code request}, whose graph has {@code totalNodes} nodes to run. */
  public Generation(UUID userId, Request request, int totalNodes, Instant now) {
    this(UUID.randomUUID(), userId, request, SOURCE_API, totalNodes, now);
  }

  /** With an id chosen by the caller (a ComfyUI client's prompt_id) and where it came from. */
  public Generation(
      UUID id, UUID userId, Request request, String source, int totalNodes, Instant now) {
    this.id = id;
    this.source = source;
    this.userId = userId;
    this.status = GenerationStatus.QUEUED;
    this.request = request;
    this.attempt = Attempt.NONE_YET;
    this.progress = Progress.notStarted(totalNodes);
    this.timings = Timings.createdAt(now);
  }

  /**
   * What a new generation is made of, as asked: its workflow and session, its priority and pinned
   * server, the webhook to tell, the caller's inputs and the graph they produced (the snapshot, its
   * seed resolved), and how many attempts it may take.
   */
  @Embeddable
  public record Request(
      @Column(name = "workflow_id") @Nullable UUID workflowId,
      @Column(name = "session_id") @Nullable UUID sessionId,
      @Column(name = "priority", nullable = false) int priority,
      @Column(name = "pinned_server_id") @Nullable UUID pinnedServerId,
      @Column(name = "webhook_url") @Nullable String webhookUrl,
      @Column(name = "inputs", nullable = false) String inputs,
      @Column(name = "snapshot", nullable = false) String snapshot,
      @Column(name = "seed") @Nullable Long seed,
      @Column(name = "max_attempts", nullable = false) int maxAttempts) {}

  /** How far a run is. */
  @Embeddable
  public record Progress(
      @Column(name = "progress", nullable = false) int percent,
      @Column(name = "current_node_id", length = 64) @Nullable String nodeId,
      @Column(name = "current_node_type", length = 128) @Nullable String nodeType,
      @Column(name = "current_node_title") @Nullable String nodeTitle,
      @Column(name = "executed_nodes", nullable = false) int executedNodes,
      @Column(name = "total_nodes", nullable = false) int totalNodes,
      @Column(name = "step") @Nullable Integer step,
      @Column(name = "max_steps") @Nullable Integer maxSteps) {

    static Progress notStarted(int totalNodes) {
      return new Progress(0, null, null, null, 0, totalNodes, null, null);
    }

    /** Every node ran; the last step figures stay. */
    Progress done() {
      return new Progress(100, null, null, null, totalNodes, totalNodes, step, maxSteps);
    }
  }

  /** Why an attempt ended badly: ComfyUI's node, exception type and message where known. */
  @Embeddable
  public record Failure(
      @Column(name = "error_node_id", length = 64) @Nullable String nodeId,
      @Column(name = "error_node_type", length = 128) @Nullable String nodeType,
      @Column(name = "error_type") String type,
      @Column(name = "error_message") String message) {}

  // --- transitions -------------------------------------------------------------------------

  /** A new attempt on {@code server}, under a fresh prompt id that this replica listens for. */
  public void dispatch(UUID server, UUID prompt, String replica, double work, Instant now) {
    if (!(work > 0)) {
      throw new IllegalArgumentException("work must be positive");
    }
    this.work = work;
    status = GenerationStatus.RUNNING;
    attempt = attempt.next(server, prompt, replica);
    progress = Progress.notStarted(progress.totalNodes());
    timings = timings.dispatched(now);
  }

  /** ComfyUI accepted the prompt. */
  public void markSubmitted(Instant now) {
    attempt = attempt.accepted();
    timings = timings.changed(now);
  }

  public void recordProgress(Progress p, Instant now) {
    progress = p;
    timings = timings.changed(now);
  }

  /** Back to the queue for another attempt; the failure is kept until the next one ends. */
  public void requeue(Failure why, @Nullable UUID avoid, @Nullable Long minVram, Instant now) {
    status = GenerationStatus.QUEUED;
    attempt = attempt.requeued(avoid, minVram);
    failure = why;
    progress = Progress.notStarted(progress.totalNodes());
    timings = timings.changed(now);
  }

  public void complete(String outputsJson, Instant now) {
    status = GenerationStatus.COMPLETED;
    outputs = outputsJson;
    outputsPending = 0;
    progress = progress.done();
    failure = null;
    timings = timings.finished(now);
  }

  /**
   * The run is over but {@code pending} of its outputs wait in the spool: it stays RUNNING (and
   * cannot be cancelled) until they are stored, and shows them from the spool meanwhile.
   */
  public void spooled(String outputsJson, int pending, Instant now) {
    outputs = outputsJson;
    outputsPending = pending;
    progress = progress.done();
    timings = timings.changed(now);
  }

  /** Retention deleted its outputs' files; {@code outputsJson} is the list as it stays. */
  public void outputsDeleted(String outputsJson, Instant now) {
    outputs = outputsJson;
    outputsDeletedAt = now;
  }

  /** Its outputs now live in another store; {@code outputsJson} names it for each. */
  public void outputsMoved(String outputsJson) {
    outputs = outputsJson;
  }

  public void fail(Failure why, Instant now) {
    status = GenerationStatus.FAILED;
    failure = why;
    timings = timings.finished(now);
  }

  public void cancel(Instant now) {
    status = GenerationStatus.CANCELLED;
    timings = timings.finished(now);
  }

  public void recordCost(double seconds, BigDecimal amount) {
    this.gpuSeconds = seconds;
    this.cost = amount;
  }

  // --- reading -----------------------------------------------------------------------------

  public UUID getId() {
    return id;
  }

  public UUID getUserId() {
    return userId;
  }

  public GenerationStatus getStatus() {
    return status;
  }

  public Request getRequest() {
    return request;
  }

  public Attempt getAttempt() {
    return attempt;
  }

  public Progress getProgress() {
    return progress;
  }

  public @Nullable Failure getFailure() {
    return failure;
  }

  public @Nullable String getOutputs() {
    return outputs;
  }

  public int getOutputsPending() {
    return outputsPending;
  }

  public @Nullable Instant getOutputsDeletedAt() {
    return outputsDeletedAt;
  }

  public @Nullable Double getGpuSeconds() {
    return gpuSeconds;
  }

  public @Nullable BigDecimal getCost() {
    return cost;
  }

  public double getWork() {
    return work;
  }

  /** Its server began to run it (ComfyUI's execution_start), later than dispatch when it waited. */
  public void started(Instant at) {
    timings = timings.started(at);
  }

  public Timings getTimings() {
    return timings;
  }

  public String getSource() {
    return source;
  }
}
