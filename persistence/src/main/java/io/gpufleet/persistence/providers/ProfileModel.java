package io.gpufleet.persistence.providers;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A model a profile offers, with its price per million input and output tokens. */
@Entity
@Table(name = "provider_profile_models")
public class ProfileModel {

  @Id private UUID id;

  @Column(name = "profile_id", nullable = false)
  private UUID profileId;

  @Column(nullable = false, length = 300)
  private String model;

  @Column(name = "display_name")
  private @Nullable String displayName;

  @Column(nullable = false)
  private boolean vision;

  @Column(name = "input_price_per_million")
  private @Nullable BigDecimal inputPricePerMillion;

  @Column(name = "output_price_per_million")
  private @Nullable BigDecimal outputPricePerMillion;

  /** Found by a sync (and removed by one when the provider no longer offers it). */
  @Column(nullable = false)
  private boolean synced;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  protected ProfileModel() {}

  public ProfileModel(UUID profileId, String model, boolean synced, Instant now) {
    this.id = UUID.randomUUID();
    this.profileId = profileId;
    this.model = model;
    this.synced = synced;
    this.createdAt = now;
  }

  public void describe(@Nullable String newDisplayName, boolean newVision) {
    this.displayName = newDisplayName;
    this.vision = newVision;
  }

  public void price(@Nullable BigDecimal input, @Nullable BigDecimal output) {
    this.inputPricePerMillion = input;
    this.outputPricePerMillion = output;
  }

  /** Added by an admin: a later sync keeps it even if the provider does not list it. */
  public void pin() {
    this.synced = false;
  }

  public UUID getId() {
    return id;
  }

  public UUID getProfileId() {
    return profileId;
  }

  public String getModel() {
    return model;
  }

  public @Nullable String getDisplayName() {
    return displayName;
  }

  public boolean isVision() {
    return vision;
  }

  public @Nullable BigDecimal getInputPricePerMillion() {
    return inputPricePerMillion;
  }

  public @Nullable BigDecimal getOutputPricePerMillion() {
    return outputPricePerMillion;
  }

  public boolean isSynced() {
    return synced;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }
}
