package io.gpufleet.persistence.providers;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A named connection to a provider. The API key is kept sealed (the caller seals and unseals it)
 * with a short hint for the masked form; options are a JSON object the application owns.
 */
@Entity
@Table(name = "provider_profiles")
public class ProviderProfile {

  @Id private UUID id;

  @Column(nullable = false, length = 100)
  private String name;

  @Convert(converter = ProviderKindConverter.class)
  @Column(nullable = false, length = 16)
  private ProviderKind provider;

  private @Nullable String description;

  private @Nullable String endpoint;

  @Column(name = "api_key_sealed")
  private @Nullable String apiKeySealed;

  @Column(name = "api_key_hint")
  private @Nullable String apiKeyHint;

  @Column(name = "default_model")
  private @Nullable String defaultModel;

  @Column(nullable = false)
  private String options;

  @Column(name = "system_prompt")
  private @Nullable String systemPrompt;

  @Column(nullable = false)
  private boolean enabled;

  @Column(name = "last_tested_at")
  private @Nullable Instant lastTestedAt;

  @Column(name = "last_test_ok")
  private @Nullable Boolean lastTestOk;

  @Column(name = "last_test_error")
  private @Nullable String lastTestError;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version private long version;

  protected ProviderProfile() {}

  public ProviderProfile(String name, ProviderKind provider, Instant now) {
    this.id = UUID.randomUUID();
    this.name = name;
    this.provider = provider;
    this.options = "{}";
    this.enabled = true;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public void rename(String newName, @Nullable String newDescription, Instant now) {
    this.name = newName;
    this.description = newDescription;
    this.updatedAt = now;
  }

  public void connect(@Nullable String newEndpoint, Instant now) {
    this.endpoint = newEndpoint;
    this.updatedAt = now;
  }

  /** A new sealed key and its hint, or none with both null. */
  public void replaceApiKey(@Nullable String sealed, @Nullable String hint, Instant now) {
    this.apiKeySealed = sealed;
    this.apiKeyHint = hint;
    this.updatedAt = now;
  }

  public void configure(
      @Nullable String newDefaultModel,
      String newOptions,
      @Nullable String newSystemPrompt,
      boolean newEnabled,
      Instant now) {
    this.defaultModel = newDefaultModel;
    this.options = newOptions;
    this.systemPrompt = newSystemPrompt;
    this.enabled = newEnabled;
    this.updatedAt = now;
  }

  /** What the last connection test found; a test is not a change, so the version stays. */
  public void tested(boolean ok, @Nullable String error, Instant at) {
    this.lastTestedAt = at;
    this.lastTestOk = ok;
    this.lastTestError = error;
  }

  public UUID getId() {
    return id;
  }

  public String getName() {
    return name;
  }

  public ProviderKind getProvider() {
    return provider;
  }

  public @Nullable String getDescription() {
    return description;
  }

  public @Nullable String getEndpoint() {
    return endpoint;
  }

  public @Nullable String getApiKeySealed() {
    return apiKeySealed;
  }

  public @Nullable String getApiKeyHint() {
    return apiKeyHint;
  }

  public @Nullable String getDefaultModel() {
    return defaultModel;
  }

  public String getOptions() {
    return options;
  }

  public @Nullable String getSystemPrompt() {
    return systemPrompt;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public @Nullable Instant getLastTestedAt() {
    return lastTestedAt;
  }

  public @Nullable Boolean getLastTestOk() {
    return lastTestOk;
  }

  public @Nullable String getLastTestError() {
    return lastTestError;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  public long getVersion() {
    return version;
  }
}
