package io.gpufleet.persistence.users;

import jakarta.persistence.Column;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** A person or a program that uses GPU Fleet. */
@Entity
@Table(name = "users")
public class UserAccount {

  @Id private UUID id;

  @Column(nullable = false, length = 64)
  private String username;

  /** A password encoder's hash; absent for users who only ever use API keys. */
  @Column(name = "password_hash")
  private @Nullable String passwordHash;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 16)
  private Role role;

  @Column(nullable = false)
  private boolean enabled;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Embedded private @Nullable RateLimitOverrides limits;

  @Version private long version;

  protected UserAccount() {
    // for JPA
    this.id = UUID.randomUUID();
    this.username = "";
    this.role = Role.USER;
    this.createdAt = Instant.EPOCH;
    this.updatedAt = Instant.EPOCH;
  }

  public UserAccount(String username, Role role, @Nullable String passwordHash, Instant now) {
    this.id = UUID.randomUUID();
    this.username = username;
    this.role = role;
    this.passwordHash = passwordHash;
    this.enabled = true;
    this.createdAt = now;
    this.updatedAt = now;
  }

  public UUID getId() {
    return id;
  }

  public String getUsername() {
    return username;
  }

  public @Nullable String getPasswordHash() {
    return passwordHash;
  }

  public Role getRole() {
    return role;
  }

  public boolean isEnabled() {
    return enabled;
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }

  /** Never null: a row whose override columns are all NULL reads back as no overrides. */
  public RateLimitOverrides getLimits() {
    return limits == null ? RateLimitOverrides.none() : limits;
  }

  public void changeLimits(RateLimitOverrides newLimits, Instant now) {
    this.limits = newLimits;
    this.updatedAt = now;
  }

  public void rename(String newUsername, Instant now) {
    this.username = newUsername;
    this.updatedAt = now;
  }

  public void changePassword(@Nullable String newHash, Instant now) {
    this.passwordHash = newHash;
    this.updatedAt = now;
  }

  public void changeRole(Role newRole, Instant now) {
    this.role = newRole;
    this.updatedAt = now;
  }

  public void setEnabled(boolean enabled, Instant now) {
    this.enabled = enabled;
    this.updatedAt = now;
  }

  @Override
  public String toString() {
    return "UserAccount[" + id + ", " + username + ", " + role + "]";
  }
}
