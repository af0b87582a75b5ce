package io.gpufleet.persistence.users;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** An API key of a user. Only its hash and a short prefix are kept; the key is shown once. */
@Entity
@Table(name = "api_keys")
public class ApiKey {

  @Id private UUID id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "user_id", nullable = false)
  private UserAccount user;

  @Column(nullable = false, length = 100)
  private String name;

  @Column(nullable = false, length = 32)
  private String prefix;

  @Column(name = "key_hash", nullable = false, length = 64)
  private String keyHash;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "last_used_at")
  private @Nullable Instant lastUsedAt;

  @Column(name = "expires_at")
  private @Nullable Instant expiresAt;

  @Column(name = "revoked_at")
  private @Nullable Instant revokedAt;

  @SuppressWarnings("NullAway") // for JPA
  protected ApiKey() {
    this.id = UUID.randomUUID();
    this.name = "";
    this.prefix = "";
    this.keyHash = "";
    this.createdAt = Instant.EPOCH;
  }

  public ApiKey(
      UserAccount user,
      String name,
      String prefix,
      String keyHash,
      Instant now,
      @Nullable Instant expiresAt) {
    this.id = UUID.randomUUID();
    this.user = user;
    this.name = name;
    this.prefix = prefix;
    this.keyHash = keyHash;
    this.createdAt = now;
    this.expiresAt = expiresAt;
  }

  public UUID getId() {
    return id;
  }

  public UserAccount getUser() {
    return user;
  }

  public String getName() {
    return name;
  }

  public String getPrefix() {
    return prefix;
  }

  public String getKeyHash() {
    return keyHash;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public @Nullable Instant getLastUsedAt() {
    return lastUsedAt;
  }

  public @Nullable Instant getExpiresAt() {
    return expiresAt;
  }

  public @Nullable Instant getRevokedAt() {
    return revokedAt;
  }

  /** Usable now: neither revoked nor expired. */
  public boolean isActiveAt(Instant now) {
    return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
  }

  public void revoke(Instant now) {
    if (revokedAt == null) {
      revokedAt = now;
    }
  }

  public void markUsed(Instant now) {
    lastUsedAt = now;
  }

  @Override
  public String toString() {
    return "ApiKey[" + id + ", " + prefix + "…]";
  }
}
