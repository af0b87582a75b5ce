package io.gpufleet.api.users;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gpufleet.persistence.users.ApiKey;
import io.gpufleet.persistence.users.ApiKeyRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Who an API key belongs to, kept for a few seconds so that a busy client does not cost a database
 * read per call. Any change to a user or a key on this replica clears it at once; on other replicas
 * a revoked key or a disabled user is refused at most {@code ttl} later. "Last used" is still
 * written, at most once a minute per key.
 */
@Component
class ApiKeyCache {

  /** Writing "last used" on every request would cost a write per call; once a minute is enough. */
  static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);

  /** A key as authentication needs it. */
  record Known(UUID keyId, AuthenticatedUser user, @Nullable Instant expiresAt) {}

  private final ApiKeyRepository apiKeys;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final Cache<String, Optional<Known>> byHash;
  private final Cache<UUID, Instant> lastWritten;

  ApiKeyCache(
      ApiKeyRepository apiKeys,
      TransactionTemplate transaction,
      Clock clock,
      @Value("${gpufleet.security.api-key-cache-ttl:5s}") Duration ttl) {
    this.apiKeys = apiKeys;
    this.transaction = transaction;
    this.clock = clock;
    this.byHash = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(ttl).build();
    this.lastWritten =
        Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(LAST_USED_RESOLUTION).build();
  }

  /** The user of the key with this hash, if the key is active and its user enabled. */
  Optional<AuthenticatedUser> authenticate(String hash) {
    Instant now = Instant.now(clock);
    Optional<Known> known = byHash.get(hash, this::load);
    if (known.isEmpty()
        || (known.get().expiresAt() != null && !known.get().expiresAt().isAfter(now))) {
      return Optional.empty();
    }
    UUID keyId = known.get().keyId();
    if (lastWritten.asMap().putIfAbsent(keyId, now) == null) {
      transaction.executeWithoutResult(status -> apiKeys.markUsed(keyId, now));
    }
    return Optional.of(known.get().user());
  }

  /**
   * A user or a key changes in the current transaction: forget everything once it commits (changes
   * are rare, lookups are not; before the commit a lookup would read the old row again).
   */
  void invalidateAfterCommit() {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              byHash.invalidateAll();
            }
          });
    } else {
      byHash.invalidateAll();
    }
  }

  private Optional<Known> load(String hash) {
    Instant now = Instant.now(clock);
    return Optional.ofNullable(
        transaction.execute(
            status -> {
              ApiKey found = apiKeys.findByKeyHash(hash).orElse(null);
              if (found == null || !found.isActiveAt(now) || !found.getUser().isEnabled()) {
                return null;
              }
              Instant used = found.getLastUsedAt();
              if (used != null && used.plus(LAST_USED_RESOLUTION).isAfter(now)) {
                lastWritten.put(found.getId(), used);
              }
              return new Known(
                  found.getId(), AuthenticatedUser.of(found.getUser()), found.getExpiresAt());
            }));
  }
}
