package io.gpufleet.api.live;

import io.gpufleet.api.users.ApiKeyCodec;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Tickets for {@code /api/v1/ws?ticket=}: random, valid for a minute, redeemed once, kept in the
 * database (hashed) so that any replica can redeem what another issued.
 */
@Component
class SocketTickets {

  static final Duration LIFETIME = Duration.ofSeconds(60);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SocketTickets(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  record Issued(String ticket, Instant expiresAt) {}

  Issued issue(UUID user) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String ticket = "wst_" + HexFormat.of().formatHex(bytes);
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    jdbc.update("DELETE FROM ws_tickets WHERE expires_at < ?", Timestamp.from(now));
    jdbc.update(
        "INSERT INTO ws_tickets (ticket_hash, user_id, expires_at) VALUES (?, ?, ?)",
        ApiKeyCodec.hash(ticket),
        user,
        Timestamp.from(expires));
    return new Issued(ticket, expires);
  }

  /** The ticket's user, once: the row goes whether or not it is still valid. */
  Optional<UUID> redeem(String ticket) {
    List<UUID> users =
        jdbc.query(
            "DELETE FROM ws_tickets WHERE ticket_hash = ? RETURNING user_id, expires_at",
            (rs, i) ->
                rs.getTimestamp("expires_at").toInstant().isAfter(clock.instant())
                    ? rs.getObject("user_id", UUID.class)
                    : null,
            ApiKeyCodec.hash(ticket));
    return users.stream().filter(java.util.Objects::nonNull).findFirst();
  }
}
