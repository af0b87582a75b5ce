package io.gpufleet.api.sessions;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Sessions: named groups of one user's generations and uploads. */
@Component
public class GenerationSessions {

  static final String SESSION_NOT_FOUND = "SESSION_NOT_FOUND";

  private static final String SELECT =
      "SELECT s.id, s.user_id, s.name, s.created_at, s.last_active_at,"
          + " (SELECT count(*) FROM generations g WHERE g.session_id = s.id) AS total,"
          + " (SELECT count(*) FROM generations g WHERE g.session_id = s.id"
          + "   AND g.status = 'COMPLETED') AS completed,"
          + " (SELECT count(*) FROM generations g WHERE g.session_id = s.id"
          + "   AND g.status = 'FAILED') AS failed"
          + " FROM generation_sessions s";

  private final JdbcTemplate jdbc;
  private final List<SessionContents> contents;
  private final Clock clock;

  GenerationSessions(JdbcTemplate jdbc, List<SessionContents> contents, Clock clock) {
    this.jdbc = jdbc;
    this.contents = contents;
    this.clock = clock;
  }

  record Counts(long total, long completed, long failed) {}

  record SessionView(
      UUID id, UUID userId, String name, Instant createdAt, Instant lastActiveAt, Counts counts) {}

  record SessionRequest(@Nullable String name) {}

  SessionView create(AuthenticatedUser user, @Nullable String name) {
    UUID id = UUID.randomUUID();
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.update(
        "INSERT INTO generation_sessions (id, user_id, name, created_at, last_active_at)"
            + " VALUES (?, ?, ?, ?, ?)",
        id,
        user.id(),
        name(name, "Session " + clock.instant().toString().substring(0, 16)),
        now,
        now);
    return get(user, id);
  }

  List<SessionView> list(AuthenticatedUser user) {
    return user.isAdmin()
        ? jdbc.query(SELECT + " ORDER BY s.created_at DESC", GenerationSessions::row)
        : jdbc.query(
            SELECT + " WHERE s.user_id = ? ORDER BY s.created_at DESC",
            GenerationSessions::row,
            user.id());
  }

  /** The caller's session (any session for admins), or 404. */
  SessionView get(AuthenticatedUser user, UUID id) {
    return jdbc.query(SELECT + " WHERE s.id = ?", GenerationSessions::row, id).stream()
        .filter(s -> user.isAdmin() || s.userId().equals(user.id()))
        .findFirst()
        .orElseThrow(() -> ApiException.notFound(SESSION_NOT_FOUND, "No session " + id));
  }

  /** A generation or upload may only join the caller's own session. */
  public void requireOwn(AuthenticatedUser user, UUID id, String field) {
    Integer n =
        jdbc.queryForObject(
            "SELECT count(*) FROM generation_sessions WHERE id = ? AND user_id = ?",
            Integer.class,
            id,
            user.id());
    if (n == null || n == 0) {
      throw ApiException.invalidField(field, "no such session of yours");
    }
    touch(id);
  }

  void touch(UUID id) {
    jdbc.update(
        "UPDATE generation_sessions SET last_active_at = ? WHERE id = ?",
        Timestamp.from(clock.instant()),
        id);
  }

  SessionView rename(AuthenticatedUser user, UUID id, @Nullable String name) {
    SessionView current = get(user, id);
    jdbc.update(
        "UPDATE generation_sessions SET name = ?, last_active_at = ? WHERE id = ?",
        name(name, current.name()),
        Timestamp.from(clock.instant()),
        id);
    return get(user, id);
  }

  /** What it holds elsewhere goes first (uploads' files), then its rows; generations stay. */
  void delete(AuthenticatedUser user, UUID id) {
    get(user, id);
    contents.forEach(c -> c.deleteOf(id));
    jdbc.update("DELETE FROM generation_sessions WHERE id = ?", id);
  }

  private static String name(@Nullable String name, String fallback) {
    if (name == null || name.isBlank()) {
      return fallback;
    }
    if (name.length() > 200) {
      throw ApiException.invalidField("name", "must be at most 200 characters");
    }
    return name.strip();
  }

  private static SessionView row(ResultSet rs, int i) throws SQLException {
    return new SessionView(
        rs.getObject("id", UUID.class),
        rs.getObject("user_id", UUID.class),
        rs.getString("name"),
        rs.getTimestamp("created_at").toInstant(),
        rs.getTimestamp("last_active_at").toInstant(),
        new Counts(rs.getLong("total"), rs.getLong("completed"), rs.getLong("failed")));
  }
}
