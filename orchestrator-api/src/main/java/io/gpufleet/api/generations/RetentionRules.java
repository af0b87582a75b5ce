package io.gpufleet.api.generations;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Users' own retention rules ({@code result_retention}): a user's outputs are deleted after their
 * rule's days instead of the global {@code retention-days}; 0 keeps that user's outputs forever
 * whatever the global rule says.
 */
@Component
class RetentionRules {

  /** A user's rule: delete outputs after {@code days} days, 0 never. */
  record Rule(UUID userId, int days, Instant updatedAt) {}

  private final JdbcTemplate jdbc;

  RetentionRules(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Rule> of(UUID user) {
    return jdbc
        .query(
            "SELECT user_id, days, updated_at FROM result_retention WHERE user_id = ?",
            (rs, n) ->
                new Rule(rs.getObject(1, UUID.class), rs.getInt(2), rs.getTimestamp(3).toInstant()),
            user)
        .stream()
        .findFirst();
  }

  Rule set(UUID user, int days, Instant now) {
    jdbc.update(
        """
        INSERT INTO result_retention (user_id, days, updated_at) VALUES (?, ?, ?)
        ON CONFLICT (user_id) DO UPDATE SET days = EXCLUDED.days, updated_at = EXCLUDED.updated_at
        """,
        user,
        days,
        Timestamp.from(now));
    return new Rule(user, days, now);
  }

  /** Back to the global rule; answers whether the user had one of their own. */
  boolean clear(UUID user) {
    return jdbc.update("DELETE FROM result_retention WHERE user_id = ?", user) > 0;
  }

  /**
   * Whether any user's rule deletes outputs (what retention must look at when the global keeps).
   */
  boolean anyExpiring() {
    return Boolean.TRUE.equals(
        jdbc.queryForObject(
            "SELECT EXISTS (SELECT 1 FROM result_retention WHERE days > 0)", Boolean.class));
  }
}
