package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProviderProfile;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the profile endpoints read and answer. */
final class ProfileViews {

  private ProfileViews() {}

  /**
   * A new profile. {@code apiKey} is write-only: it is stored sealed and only ever answered masked.
   */
  record CreateProfile(
      @NotBlank @Size(max = 100) String name,
      @NotBlank String provider,
      @Nullable String description,
      @Nullable @Size(max = 500) String endpoint,
      @Nullable @Size(max = 500) String apiKey,
      @Nullable @Size(max = 300) String defaultModel,
      @Nullable @Valid ProfileOptions options,
      @Nullable String systemPrompt,
      @Nullable Boolean enabled,
      @Nullable List<@Valid AddModel> models) {}

  /**
   * A partial update: an absent (or null) field stays; an empty string clears {@code description},
   * {@code endpoint}, {@code apiKey}, {@code defaultModel} and {@code systemPrompt}.
   */
  record UpdateProfile(
      @Nullable @Size(min = 1, max = 100) String name,
      @Nullable String description,
      @Nullable @Size(max = 500) String endpoint,
      @Nullable @Size(max = 500) String apiKey,
      @Nullable @Size(max = 300) String defaultModel,
      @Nullable @Valid ProfileOptions options,
      @Nullable String systemPrompt,
      @Nullable Boolean enabled) {}

  /** Settings to try before saving them (the seed's test-connection). */
  record TestSettings(
      @NotBlank String provider,
      @Nullable @Size(max = 500) String endpoint,
      @Nullable @Size(max = 500) String apiKey) {}

  /** A model to offer through a profile, with its price per million tokens. */
  record AddModel(
      @NotBlank @Size(max = 300) String model,
      @Nullable @Size(max = 300) String name,
      @Nullable Boolean vision,
      @Nullable @DecimalMin("0") BigDecimal inputPricePerMillion,
      @Nullable @DecimalMin("0") BigDecimal outputPricePerMillion) {}

  record UpdateModel(
      @Nullable @Size(max = 300) String name,
      @Nullable Boolean vision,
      @Nullable @DecimalMin("0") BigDecimal inputPricePerMillion,
      @Nullable @DecimalMin("0") BigDecimal outputPricePerMillion) {}

  record ModelView(
      UUID id,
      String model,
      @Nullable String name,
      boolean vision,
      @Nullable BigDecimal inputPricePerMillion,
      @Nullable BigDecimal outputPricePerMillion,
      boolean synced,
      Instant createdAt) {

    static ModelView of(ProfileModel m) {
      return new ModelView(
          m.getId(),
          m.getModel(),
          m.getDisplayName(),
          m.isVision(),
          m.getInputPricePerMillion(),
          m.getOutputPricePerMillion(),
          m.isSynced(),
          m.getCreatedAt());
    }
  }

  record LastTest(@Nullable Instant at, @Nullable Boolean ok, @Nullable String error) {}

  record ProfileView(
      UUID id,
      String name,
      String provider,
      @Nullable String description,
      @Nullable String endpoint,
      String baseUrl,
      @Nullable String apiKey,
      boolean hasApiKey,
      @Nullable String defaultModel,
      ProfileOptions options,
      @Nullable String systemPrompt,
      boolean enabled,
      List<ModelView> models,
      LastTest lastTest,
      Instant createdAt,
      Instant updatedAt,
      long version) {

    static ProfileView of(ProviderProfile p, List<ProfileModel> models, String baseUrl) {
      return new ProfileView(
          p.getId(),
          p.getName(),
          p.getProvider().id(),
          p.getDescription(),
          p.getEndpoint(),
          baseUrl,
          p.getApiKeySealed() == null
              ? null
              : p.getApiKeyHint() == null ? "****" : "…" + p.getApiKeyHint(),
          p.getApiKeySealed() != null,
          p.getDefaultModel(),
          ProfileOptions.fromJson(p.getOptions()),
          p.getSystemPrompt(),
          p.isEnabled(),
          models.stream().map(ModelView::of).toList(),
          new LastTest(p.getLastTestedAt(), p.getLastTestOk(), p.getLastTestError()),
          p.getCreatedAt(),
          p.getUpdatedAt(),
          p.getVersion());
    }
  }

  /** A connection test: reachable or not, how fast, and what the provider offers. */
  record TestResult(
      boolean connected,
      long latencyMs,
      @Nullable String version,
      List<String> models,
      @Nullable String code,
      @Nullable String error) {}

  /** A model to load (for {@code keepAlive}, an Ollama duration like "10m", "-1" for ever). */
  record KeepAlive(
      @NotBlank @Size(max = 300) String model,
      @Nullable @jakarta.validation.constraints.Pattern(regexp = "-?[0-9]+(\\.[0-9]+)?(ms|s|m|h)?")
          String keepAlive) {}

  record SyncResult(int added, int removed, List<String> models) {}
}
