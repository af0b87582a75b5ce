package io.gpufleet.persistence.providers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The tokens one chat call spent, and their cost at the model's price then. Never changes. */
@Entity
@Table(name = "llm_usage")
public class LlmUsage {

  @Id private UUID id;

  @Column(name = "user_id", nullable = false)
  private UUID userId;

  @Column(name = "profile_id")
  private @Nullable UUID profileId;

  @Column(name = "profile_name", nullable = false)
  private String profileName;

  @Column(nullable = false)
  private String provider;

  @Column(nullable = false)
  private String model;

  @Column(name = "prompt_tokens", nullable = false)
  private int promptTokens;

  @Column(name = "completion_tokens", nullable = false)
  private int completionTokens;

  @Column(nullable = false)
  private BigDecimal cost;

  @Column(name = "duration_ms", nullable = false)
  private long durationMs;

  @Column(nullable = false)
  private boolean streamed;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected LlmUsage() {}

  public LlmUsage(
      UUID userId,
      ProviderProfile profile,
      String model,
      int promptTokens,
      int completionTokens,
      BigDecimal cost,
      long durationMs,
      boolean streamed,
      Instant at) {
    this.id = UUID.randomUUID();
    this.userId = userId;
    this.profileId = profile.getId();
    this.profileName = profile.getName();
    this.provider = profile.getProvider().id();
    this.model = model;
    this.promptTokens = promptTokens;
    this.completionTokens = completionTokens;
    this.cost = cost;
    this.durationMs = durationMs;
    this.streamed = streamed;
    this.createdAt = at;
  }

  public UUID getId() {
    return id;
  }

  public UUID getUserId() {
    return userId;
  }

  public @Nullable UUID getProfileId() {
    return profileId;
  }

  public String getProfileName() {
    return profileName;
  }

  public String getProvider() {
    return provider;
  }

  public String getModel() {
    return model;
  }

  public int getPromptTokens() {
    return promptTokens;
  }

  public int getCompletionTokens() {
    return completionTokens;
  }

  public BigDecimal getCost() {
    return cost;
  }

  public long getDurationMs() {
    return durationMs;
  }

  public boolean isStreamed() {
    return streamed;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
