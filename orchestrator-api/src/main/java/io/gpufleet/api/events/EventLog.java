package io.gpufleet.api.events;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The numbered events in {@code generation_events}: appended and notified in one statement (so the
 * row and the notification commit together, with the caller's transaction if there is one), read
 * back by subject or for everything after a number, pruned by age.
 */
@Component
class EventLog {

  /** The most a replay hands over at once; a subscriber further behind re-reads the state. */
  static final int REPLAY_LIMIT = 10_000;

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
  private static final String COLUMNS = "seq, subject, type, data::text AS data";

  private final JdbcTemplate jdbc;

  EventLog(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Stores the event and sends {@code NOTIFY channel, '<seq> <payload>'}; answers the number. The
   * payload is built by the caller (it may leave out data too large for a notification).
   */
  long append(GenerationEvent event, String channel, String payload) {
    Long seq =
        jdbc.queryForObject(
            "WITH e AS (INSERT INTO generation_events (subject, type, data)"
                + " VALUES (?, ?, ?::jsonb) RETURNING seq)"
                + " SELECT e.seq, pg_notify(?, e.seq::text || ' ' || ?) FROM e",
            (rs, n) -> rs.getLong(1),
            event.generationId(),
            event.type(),
            JSON.writeValueAsString(event.data()),
            channel,
            payload);
    return seq == null ? 0 : seq;
  }

  /**
   * Stores events of distinct subjects and notifies each with its number, in one statement; the
   * payloads are in the events' order.
   */
  void appendAll(List<GenerationEvent> batch, String channel, List<String> payloads) {
    int n = batch.size();
    Object[] subjects = new Object[n];
    Object[] types = new Object[n];
    Object[] data = new Object[n];
    for (int i = 0; i < n; i++) {
      subjects[i] = batch.get(i).generationId();
      types[i] = batch.get(i).type();
      data[i] = JSON.writeValueAsString(batch.get(i).data());
    }
    jdbc.query(
        "WITH e AS (INSERT INTO generation_events (subject, type, data)"
            + " SELECT x.subject, x.type, x.data::jsonb"
            + " FROM unnest(?::uuid[], ?::text[], ?::text[]) AS x(subject, type, data)"
            + " RETURNING seq, subject)"
            + " SELECT pg_notify(?, e.seq::text || ' ' || p.payload)"
            + " FROM e JOIN unnest(?::uuid[], ?::text[]) AS p(subject, payload) USING (subject)",
        ps -> {
          var connection = ps.getConnection();
          ps.setArray(1, connection.createArrayOf("uuid", subjects));
          ps.setArray(2, connection.createArrayOf("text", types));
          ps.setArray(3, connection.createArrayOf("text", data));
          ps.setString(4, channel);
          ps.setArray(5, connection.createArrayOf("uuid", subjects));
          ps.setArray(6, connection.createArrayOf("text", payloads.toArray()));
        },
        rs -> {});
  }

  /** The events of one subject after {@code after}, oldest first. */
  List<GenerationEvent> since(UUID subject, long after) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM generation_events WHERE subject = ? AND seq > ?"
            + " ORDER BY seq LIMIT "
            + REPLAY_LIMIT,
        ROWS,
        subject,
        after);
  }

  /** Every event after {@code after}, oldest first. */
  List<GenerationEvent> since(long after) {
    return jdbc.query(
        "SELECT "
            + COLUMNS
            + " FROM generation_events WHERE seq > ? ORDER BY seq LIMIT "
            + REPLAY_LIMIT,
        ROWS,
        after);
  }

  Optional<GenerationEvent> get(long seq) {
    return jdbc
        .query("SELECT " + COLUMNS + " FROM generation_events WHERE seq = ?", ROWS, seq)
        .stream()
        .findFirst();
  }

  /** The highest number given so far (0 for none). */
  long latest() {
    Long max =
        jdbc.queryForObject("SELECT coalesce(max(seq), 0) FROM generation_events", Long.class);
    return max == null ? 0 : max;
  }

  /** Deletes events stored before {@code cutoff}; answers how many. */
  int pruneBefore(Instant cutoff) {
    return jdbc.update(
        "DELETE FROM generation_events WHERE created_at < ?", Timestamp.from(cutoff));
  }

  private static final RowMapper<GenerationEvent> ROWS = EventLog::row;

  private static GenerationEvent row(ResultSet rs, int n) throws SQLException {
    return new GenerationEvent(
        rs.getString("type"),
        rs.getObject("subject", UUID.class),
        JSON.readValue(rs.getString("data"), MAP),
        rs.getLong("seq"));
  }
}
