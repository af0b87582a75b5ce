package io.gpufleet.api.users;

import io.gpufleet.persistence.users.ApiKey;
import io.gpufleet.persistence.users.RateLimitOverrides;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the users API reads and writes. Passwords and keys are write-only, or shown once. */
final class UserViews {

  private UserViews() {}

  static final String USERNAME_PATTERN = "[A-Za-z0-9._@-]{3,64}";

  record UserView(
      UUID id,
      String username,
      Role role,
      boolean enabled,
      boolean hasPassword,
      Limits limits,
      Instant createdAt,
      Instant updatedAt) {

    static UserView of(UserAccount user) {
      return new UserView(
          user.getId(),
          user.getUsername(),
          user.getRole(),
          user.isEnabled(),
          user.getPasswordHash() != null,
          Limits.of(user.getLimits()),
          user.getCreatedAt(),
          user.getUpdatedAt());
    }
  }

  /** Per-user overrides of the rate-limit bands; a missing value keeps the platform default. */
  record Limits(
      @Nullable @Min(0) Integer generationsPerMinute,
      @Nullable @Min(0) Integer generationsPerHour,
      @Nullable @Min(0) Integer generationsPerDay,
      @Nullable @Min(0) Integer requestsPerMinute,
      @Nullable @Min(0) Integer requestsPerHour) {

    static Limits of(RateLimitOverrides o) {
      return new Limits(
          o.generationsPerMinute(),
          o.generationsPerHour(),
          o.generationsPerDay(),
          o.requestsPerMinute(),
          o.requestsPerHour());
    }

    RateLimitOverrides toOverrides() {
      return new RateLimitOverrides(
          generationsPerMinute,
          generationsPerHour,
          generationsPerDay,
          requestsPerMinute,
          requestsPerHour);
    }
  }

  record CreateUser(
      @NotBlank
          @Pattern(
              regexp = USERNAME_PATTERN,
              message = "must be 3 to 64 letters, digits or . _ @ -")
          String username,
      @NotNull Role role,
      @Nullable @Size(min = 8, max = 128) String password,
      @Nullable @Valid Limits limits) {

    @Override
    public String toString() {
      return "CreateUser[" + username + ", " + role + "]";
    }
  }

  /** Only the fields present change; {@code limits}, when present, replaces all overrides. */
  record UpdateUser(
      @Nullable
          @Pattern(
              regexp = USERNAME_PATTERN,
              message = "must be 3 to 64 letters, digits or . _ @ -")
          String username,
      @Nullable Role role,
      @Nullable @Size(min = 8, max = 128) String password,
      @Nullable Boolean enabled,
      @Nullable @Valid Limits limits) {

    @Override
    public String toString() {
      return "UpdateUser[" + username + ", " + role + ", enabled=" + enabled + "]";
    }
  }

  record CreateApiKey(@NotBlank @Size(max = 100) String name, @Nullable Instant expiresAt) {}

  /** A key as lists show it: masked. */
  record ApiKeyView(
      UUID id,
      UUID userId,
      String name,
      String maskedKey,
      Instant createdAt,
      @Nullable Instant lastUsedAt,
      @Nullable Instant expiresAt,
      @Nullable Instant revokedAt) {

    static ApiKeyView of(ApiKey key) {
      return new ApiKeyView(
          key.getId(),
          key.getUser().getId(),
          key.getName(),
          ApiKeyCodec.masked(key.getPrefix()),
          key.getCreatedAt(),
          key.getLastUsedAt(),
          key.getExpiresAt(),
          key.getRevokedAt());
    }
  }

  /** The answer to creating a key: the only time the whole key is shown. */
  record CreatedApiKey(
      UUID id,
      UUID userId,
      String name,
      String key,
      String maskedKey,
      Instant createdAt,
      @Nullable Instant expiresAt) {

    @Override
    public String toString() {
      return "CreatedApiKey[" + id + ", " + maskedKey + "]";
    }
  }
}
