package io.gpufleet.api.users;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts failed logins per account and per client address in PostgreSQL, so the limits hold across
 * replicas. Each attempt is counted before its password is checked (under an advisory lock of both
 * keys), so guesses sent in parallel cannot slip past the limit; a success takes its account's
 * count back to nothing and its own address entry away. Unknown usernames count like known ones:
 * the throttle tells nothing about which accounts exist.
 */
@Component
class LoginThrottle {

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final LoginThrottleProperties settings;
  private final Clock clock;

  LoginThrottle(
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      LoginThrottleProperties settings,
      Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.settings = settings;
    this.clock = clock;
  }

  /** A login being tried: held (with how long), or counted and to be settled. */
  record Attempt(Optional<Duration> retryAfter, List<Long> entries) {
    boolean held() {
      return retryAfter.isPresent();
    }
  }

  /** Either answers how long the login is held, or counts it as a failure until it succeeds. */
  Attempt begin(String username, String address) {
    String account = accountKey(username);
    String client = "address:" + address;
    Attempt attempt =
        transaction.execute(
            status -> {
              Instant now = clock.instant();
              // both keys locked, always in the same order, so two replicas cannot deadlock
              lock(account.compareTo(client) < 0 ? account : client);
              lock(account.compareTo(client) < 0 ? client : account);
              jdbc.update(
                  "DELETE FROM login_failures WHERE failed_at <= ?",
                  Timestamp.from(now.minus(settings.window())));
              Optional<Duration> held =
                  heldFor(account, settings.maxFailuresPerAccount(), now)
                      .or(() -> heldFor(client, settings.maxFailuresPerAddress(), now));
              if (held.isPresent()) {
                return new Attempt(held, List.of());
              }
              return new Attempt(
                  Optional.empty(), List.of(insert(account, now), insert(client, now)));
            });
    return attempt;
  }

  /** The password was right: the account starts again from nothing, the address keeps the rest. */
  void succeeded(String username, Attempt attempt) {
    jdbc.update("DELETE FROM login_failures WHERE throttle_key = ?", accountKey(username));
    for (Long entry : attempt.entries()) {
      jdbc.update("DELETE FROM login_failures WHERE id = ?", entry);
    }
  }

  private Optional<Duration> heldFor(String key, int limit, Instant now) {
    List<Timestamp> oldestCounted =
        jdbc.queryForList(
            "SELECT failed_at FROM login_failures WHERE throttle_key = ? AND failed_at > ?"
                + " ORDER BY failed_at DESC OFFSET ? LIMIT 1",
            Timestamp.class,
            key,
            Timestamp.from(now.minus(settings.window())),
            limit - 1);
    if (oldestCounted.isEmpty()) {
      return Optional.empty();
    }
    Duration left = Duration.between(now, oldestCounted.get(0).toInstant().plus(settings.window()));
    return Optional.of(left.isNegative() ? Duration.ZERO : left);
  }

  private void lock(String key) {
    jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtext(?))", Object.class, key);
  }

  private long insert(String key, Instant now) {
    Long id =
        jdbc.queryForObject(
            "INSERT INTO login_failures (throttle_key, failed_at) VALUES (?, ?) RETURNING id",
            Long.class,
            key,
            Timestamp.from(now));
    return id == null ? -1 : id;
  }

  private static String accountKey(String username) {
    return "account:" + username.trim().toLowerCase(Locale.ROOT);
  }
}
