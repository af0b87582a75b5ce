package io.gpufleet.persistence.tasks;

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
 * A user's task. A text task is run by a task worker: claimed (RUNNING, with a lease), then
 * completed with its answer and tokens, put back to PENDING for a later attempt after a transient
 * failure, or failed. An image task follows the generation that runs it.
 */
@Entity
@Table(name = "tasks")
public class Task {

  public static final String TEXT = "text";
  public static final String IMAGE = "image";

  @Id private UUID id;

  @Column(name = "user_id", nullable = false)
  private UUID userId;

  @Column(nullable = false, length = 200)
  private String name;

  @Column(nullable = false, length = 8)
  private String type;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private TaskStatus status;

  @Column(nullable = false, length = 16)
  private String provider;

  @Column(name = "profile_id")
  private @Nullable UUID profileId;

  private @Nullable String model;

  @Column(nullable = false)
  private String prompt;

  @Column(name = "system_prompt")
  private @Nullable String systemPrompt;

  @Column(nullable = false)
  private String options;

  @Column(name = "workflow_id")
  private @Nullable UUID workflowId;

  @Column(name = "generation_id")
  private @Nullable UUID generationId;

  private @Nullable String result;

  @Column(name = "prompt_tokens")
  private @Nullable Integer promptTokens;

  @Column(name = "completion_tokens")
  private @Nullable Integer completionTokens;

  private @Nullable BigDecimal cost;

  @Column(nullable = false)
  private int attempts;

  @Column(name = "max_attempts", nullable = false)
  private int maxAttempts;

  @Column(nullable = false)
  private int retries;

  @Column(name = "error_code")
  private @Nullable String errorCode;

  @Column(name = "error_message")
  private @Nullable String errorMessage;

  @Column(name = "run_after", nullable = false)
  private Instant runAfter;

  @Column(name = "lease_until")
  private @Nullable Instant leaseUntil;

  @Column(name = "claimed_by")
  private @Nullable String claimedBy;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "started_at")
  private @Nullable Instant startedAt;

  @Column(name = "finished_at")
  private @Nullable Instant finishedAt;

  protected Task() {}

  /** What a caller asks for; {@code options} is JSON. */
  public record Request(
      String name,
      String type,
      String provider,
      @Nullable UUID profileId,
      @Nullable String model,
      String prompt,
      @Nullable String systemPrompt,
      String options,
      @Nullable UUID workflowId,
      int maxAttempts) {}

  public Task(UUID userId, Request request, Instant now) {
    this.id = UUID.randomUUID();
    this.userId = userId;
    this.name = request.name();
    this.type = request.type();
    this.status = TaskStatus.PENDING;
    this.provider = request.provider();
    this.profileId = request.profileId();
    this.model = request.model();
    this.prompt = request.prompt();
    this.systemPrompt = request.systemPrompt();
    this.options = request.options();
    this.workflowId = request.workflowId();
    this.maxAttempts = request.maxAttempts();
    this.runAfter = now;
    this.createdAt = now;
  }

  /** A worker took it: one more attempt, held until {@code leaseUntil}. */
  public void claim(String replica, Instant now, Instant leaseUntil) {
    this.status = TaskStatus.RUNNING;
    this.attempts++;
    this.claimedBy = replica;
    this.leaseUntil = leaseUntil;
    if (startedAt == null) {
      startedAt = now;
    }
  }

  public void complete(
      String result,
      @Nullable String model,
      int promptTokens,
      int completionTokens,
      BigDecimal cost,
      Instant now) {
    this.status = TaskStatus.COMPLETED;
    this.result = result;
    if (model != null) {
      this.model = model;
    }
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.cost = cost;
    this.errorCode = null;
    this.errorMessage = null;
    release(now);
  }

  /** A transient failure: recorded, and the task waits until {@code runAfter} to be tried again. */
  public void retryLater(String code, String message, Instant runAfter) {
    this.status = TaskStatus.PENDING;
    this.errorCode = code;
    this.errorMessage = message;
    this.runAfter = runAfter;
    this.leaseUntil = null;
    this.claimedBy = null;
  }

  public void fail(String code, String message, Instant now) {
    this.status = TaskStatus.FAILED;
    this.errorCode = code;
    this.errorMessage = message;
    release(now);
  }

  public void cancel(Instant now) {
    this.status = TaskStatus.CANCELLED;
    release(now);
  }

  /** Queued again after it failed or was cancelled: its attempts start over. */
  public void requeue(Instant now) {
    this.status = TaskStatus.PENDING;
    this.retries++;
    this.attempts = 0;
    this.errorCode = null;
    this.errorMessage = null;
    this.result = null;
    this.startedAt = null;
    this.finishedAt = null;
    this.runAfter = now;
  }

  /** An image task's generation, once submitted (again, on a retry). */
  public void follow(UUID generationId) {
    this.generationId = generationId;
  }

  /** An image task takes its generation's state. */
  public void followed(
      TaskStatus status,
      @Nullable Instant startedAt,
      @Nullable Instant finishedAt,
      @Nullable String errorCode,
      @Nullable String errorMessage) {
    this.status = status;
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.errorCode = errorCode;
    this.errorMessage = errorMessage;
  }

  private void release(Instant now) {
    this.finishedAt = now;
    this.leaseUntil = null;
    this.claimedBy = null;
  }

  public UUID getId() {
    return id;
  }

  public UUID getUserId() {
    return userId;
  }

  public String getName() {
    return name;
  }

  public String getType() {
    return type;
  }

  public boolean isText() {
    return TEXT.equals(type);
  }

  public TaskStatus getStatus() {
    return status;
  }

  public String getProvider() {
    return provider;
  }

  public @Nullable UUID getProfileId() {
    return profileId;
  }

  public @Nullable String getModel() {
    return model;
  }

  public String getPrompt() {
    return prompt;
  }

  public @Nullable String getSystemPrompt() {
    return systemPrompt;
  }

  public String getOptions() {
    return options;
  }

  public @Nullable UUID getWorkflowId() {
    return workflowId;
  }

  public @Nullable UUID getGenerationId() {
    return generationId;
  }

  public @Nullable String getResult() {
    return result;
  }

  public @Nullable Integer getPromptTokens() {
    return promptTokens;
  }

  public @Nullable Integer getCompletionTokens() {
    return completionTokens;
  }

  public @Nullable BigDecimal getCost() {
    return cost;
  }

  public int getAttempts() {
    return attempts;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public int getRetries() {
    return retries;
  }

  public @Nullable String getErrorCode() {
    return errorCode;
  }

  public @Nullable String getErrorMessage() {
    return errorMessage;
  }

  public Instant getRunAfter() {
    return runAfter;
  }

  public @Nullable Instant getLeaseUntil() {
    return leaseUntil;
  }

  public @Nullable String getClaimedBy() {
    return claimedBy;
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
