package io.gpufleet.persistence.generations;

import jakarta.persistence.Column;
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
 * One generation: the request, the exact graph that runs (the snapshot), the current attempt and
 * the outcome. State changes happen under a row lock ({@link GenerationRepository#lockById}), so
 * concurrent events of one prompt never interleave.
 */
@Entity
@Table(name = "generations")
public class Generation {

  @Id private UUID id;

  @Column(name = "user_id", nullable = false)
  private UUID userId;

  @Column(name = "workflow_id")
  private @Nullable UUID workflowId;

  @Column(name = "session_id")
  private @Nullable UUID sessionId;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private GenerationStatus status;

  @Column(nullable = false)
  private int priority;

  @Column(name = "pinned_server_id")
  private @Nullable UUID pinnedServerId;

  @Column(name = "webhook_url")
  private @Nullable String webhookUrl;

  @Column(nullable = false)
  private String inputs;

  @Column(nullable = false)
  private String snapshot;

  private @Nullable Long seed;

  @Column(name = "server_id")
  private @Nullable UUID serverId;

  @Column(name = "prompt_id")
  private @Nullable UUID promptId;

  @Column(name = "dispatched_by", length = 64)
  private @Nullable String dispatchedBy;

  @Column(nullable = false)
  private boolean submitted;

  @Column(nullable = false)
  private int attempts;

  @Column(name = "max_attempts", nullable = false)
  private int maxAttempts;

  @Column(name = "avoid_server_id")
  private @Nullable UUID avoidServerId;

  @Column(name = "min_vram_mb")
  private @Nullable Long minVramMb;

  @Column(nullable = false)
  private int progress;

  @Column(name = "current_node_id", length = 64)
  private @Nullable String currentNodeId;

  @Column(name = "current_node_type", length = 128)
  private @Nullable String currentNodeType;

  @Column(name = "current_node_title")
  private @Nullable String currentNodeTitle;

  @Column(name = "executed_nodes", nullable = false)
  private int executedNodes;

  @Column(name = "total_nodes", nullable = false)
  private int totalNodes;

  private @Nullable Integer step;

  @Column(name = "max_steps")
  private @Nullable Integer maxSteps;

  private @Nullable String outputs;

  @Column(name = "error_node_id", length = 64)
  private @Nullable String errorNodeId;

  @Column(name = "error_node_type", length = 128)
  private @Nullable String errorNodeType;

  @Column(name = "error_type")
  private @Nullable String errorType;

  @Column(name = "error_message")
  private @Nullable String errorMessage;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "dispatched_at")
  private @Nullable Instant dispatchedAt;

  @Column(name = "started_at")
  private @Nullable Instant startedAt;

  /** Seconds its server spent on it (the run, from start to end). */
  @Column(name = "gpu_seconds")
  private @Nullable Double gpuSeconds;

  /** Its share of the server's time at the server's $/h. */
  @Column(name = "cost")
  private @Nullable BigDecimal cost;

  @Column(name = "finished_at")
  private @Nullable Instant finishedAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  protected Generation() {}

  public Generation(UUID userId, Request request, Instant now) {
    this.id = UUID.randomUUID();
    this.userId = userId;
    this.workflowId = request.workflowId();
    this.sessionId = request.sessionId();
    this.priority = request.priority();
    this.pinnedServerId = request.pinnedServerId();
    this.webhookUrl = request.webhookUrl();
    this.inputs = request.inputs();
    this.snapshot = request.snapshot();
    this.seed = request.seed();
    this.maxAttempts = request.maxAttempts();
    this.totalNodes = request.totalNodes();
    this.status = GenerationStatus.QUEUED;
    this.createdAt = now;
    this.updatedAt = now;
  }

  /** What a new generation is made of. */
  public record Request(
      @Nullable UUID workflowId,
      @Nullable UUID sessionId,
      int priority,
      @Nullable UUID pinnedServerId,
      @Nullable String webhookUrl,
      String inputs,
      String snapshot,
      @Nullable Long seed,
      int maxAttempts,
      int totalNodes) {}

  // --- transitions -------------------------------------------------------------------------

  /** A new attempt on {@code server}, under a fresh prompt id that this replica listens for. */
  public void dispatch(UUID server, UUID prompt, String replica, Instant now) {
    status = GenerationStatus.RUNNING;
    serverId = server;
    promptId = prompt;
    dispatchedBy = replica;
    submitted = false;
    attempts++;
    dispatchedAt = now;
    startedAt = now;
    resetProgress();
    updatedAt = now;
  }

  /** ComfyUI accepted the prompt. */
  public void markSubmitted(Instant now) {
    submitted = true;
    updatedAt = now;
  }

  public void recordProgress(Progress p, Instant now) {
    progress = p.percent();
    currentNodeId = p.nodeId();
    currentNodeType = p.nodeType();
    currentNodeTitle = p.nodeTitle();
    executedNodes = p.executedNodes();
    totalNodes = p.totalNodes();
    step = p.step();
    maxSteps = p.maxSteps();
    updatedAt = now;
  }

  /** Back to the queue for another attempt; the failure is kept until the next one ends. */
  public void requeue(Failure failure, @Nullable UUID avoid, @Nullable Long minVram, Instant now) {
    status = GenerationStatus.QUEUED;
    serverId = null;
    promptId = null;
    dispatchedBy = null;
    submitted = false;
    avoidServerId = avoid;
    minVramMb = minVram;
    recordFailure(failure);
    resetProgress();
    updatedAt = now;
  }

  public void complete(String outputsJson, Instant now) {
    status = GenerationStatus.COMPLETED;
    outputs = outputsJson;
    progress = 100;
    executedNodes = totalNodes;
    currentNodeId = null;
    currentNodeType = null;
    currentNodeTitle = null;
    errorNodeId = null;
    errorNodeType = null;
    errorType = null;
    errorMessage = null;
    finishedAt = now;
    updatedAt = now;
  }

  public void recordCost(double seconds, BigDecimal amount) {
    this.gpuSeconds = seconds;
    this.cost = amount;
  }

  public @Nullable Double getGpuSeconds() {
    return gpuSeconds;
  }

  public @Nullable BigDecimal getCost() {
    return cost;
  }

  public void fail(Failure failure, Instant now) {
    status = GenerationStatus.FAILED;
    recordFailure(failure);
    finishedAt = now;
    updatedAt = now;
  }

  public void cancel(Instant now) {
    status = GenerationStatus.CANCELLED;
    finishedAt = now;
    updatedAt = now;
  }

  private void recordFailure(Failure failure) {
    errorNodeId = failure.nodeId();
    errorNodeType = failure.nodeType();
    errorType = failure.type();
    errorMessage = failure.message();
  }

  private void resetProgress() {
    progress = 0;
    currentNodeId = null;
    currentNodeType = null;
    currentNodeTitle = null;
    executedNodes = 0;
    step = null;
    maxSteps = null;
  }

  /** How far a run is. */
  public record Progress(
      int percent,
      @Nullable String nodeId,
      @Nullable String nodeType,
      @Nullable String nodeTitle,
      int executedNodes,
      int totalNodes,
      @Nullable Integer step,
      @Nullable Integer maxSteps) {}

  /** Why an attempt ended badly: ComfyUI's node, exception type and message where known. */
  public record Failure(
      @Nullable String nodeId, @Nullable String nodeType, String type, String message) {}

  // --- reading -----------------------------------------------------------------------------

  public UUID getId() {
    return id;
  }

  public UUID getUserId() {
    return userId;
  }

  public @Nullable UUID getWorkflowId() {
    return workflowId;
  }

  public @Nullable UUID getSessionId() {
    return sessionId;
  }

  public GenerationStatus getStatus() {
    return status;
  }

  public int getPriority() {
    return priority;
  }

  public @Nullable UUID getPinnedServerId() {
    return pinnedServerId;
  }

  public @Nullable String getWebhookUrl() {
    return webhookUrl;
  }

  public String getInputs() {
    return inputs;
  }

  public String getSnapshot() {
    return snapshot;
  }

  public @Nullable Long getSeed() {
    return seed;
  }

  public @Nullable UUID getServerId() {
    return serverId;
  }

  public @Nullable UUID getPromptId() {
    return promptId;
  }

  public @Nullable String getDispatchedBy() {
    return dispatchedBy;
  }

  public boolean isSubmitted() {
    return submitted;
  }

  public int getAttempts() {
    return attempts;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public @Nullable UUID getAvoidServerId() {
    return avoidServerId;
  }

  public @Nullable Long getMinVramMb() {
    return minVramMb;
  }

  public Progress getProgress() {
    return new Progress(
        progress,
        currentNodeId,
        currentNodeType,
        currentNodeTitle,
        executedNodes,
        totalNodes,
        step,
        maxSteps);
  }

  public @Nullable String getOutputs() {
    return outputs;
  }

  public @Nullable Failure getFailure() {
    return errorType == null || errorMessage == null
        ? null
        : new Failure(errorNodeId, errorNodeType, errorType, errorMessage);
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public @Nullable Instant getDispatchedAt() {
    return dispatchedAt;
  }

  public @Nullable Instant getStartedAt() {
    return startedAt;
  }

  public @Nullable Instant getFinishedAt() {
    return finishedAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }
}
