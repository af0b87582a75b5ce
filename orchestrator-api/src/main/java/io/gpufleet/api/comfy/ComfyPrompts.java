package io.gpufleet.api.comfy;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a ComfyUI prompt keeps beside its generation ({@code comfy_prompts}): the socket it belongs
 * to, its number, extra_data and output nodes, and whether its caller hid it from their history.
 */
@Component
class ComfyPrompts {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Finished as far as ComfyUI's history goes: run to an end, or interrupted once its server had
   * begun it (a prompt taken off the queue before that leaves no history, as in ComfyUI).
   */
  private static final String IN_HISTORY =
      "(g.status IN ('COMPLETED', 'FAILED') OR (g.status = 'CANCELLED'"
          + " AND (g.current_node_id IS NOT NULL OR g.executed_nodes > 0)))";

  private final JdbcTemplate jdbc;

  ComfyPrompts(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  record Prompt(
      UUID generationId,
      UUID userId,
      @Nullable String clientId,
      BigDecimal number,
      JsonNode extraData,
      List<String> outputs,
      Instant createdAt) {}

  /** ComfyUI's counter: one more for every prompt the caller posts without a number. */
  long nextNumber(UUID user) {
    Long value =
        jdbc.queryForObject(
            "INSERT INTO comfy_counters (user_id, value) VALUES (?, 0)"
                + " ON CONFLICT (user_id) DO UPDATE SET value = comfy_counters.value + 1"
                + " RETURNING value",
            Long.class,
            user);
    return value == null ? 0 : value;
  }

  void insert(Prompt p) {
    jdbc.update(
        "INSERT INTO comfy_prompts (generation_id, user_id, client_id, number, extra_data,"
            + " outputs_to_execute, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        p.generationId(),
        p.userId(),
        p.clientId(),
        p.number(),
        JSON.writeValueAsString(p.extraData()),
        JSON.writeValueAsString(p.outputs()),
        Timestamp.from(p.createdAt()));
  }

  Optional<Prompt> find(UUID generation) {
    return jdbc
        .query("SELECT * FROM comfy_prompts WHERE generation_id = ?", ComfyPrompts::row, generation)
        .stream()
        .findFirst();
  }

  /** The caller's prompts that are queued or running, in ComfyUI's order (number, then id). */
  List<Prompt> active(UUID user) {
    return jdbc.query(
        "SELECT p.* FROM comfy_prompts p JOIN generations g ON g.id = p.generation_id"
            + " WHERE p.user_id = ? AND g.status IN ('QUEUED', 'RUNNING')"
            + " ORDER BY p.number, p.generation_id",
        ComfyPrompts::row,
        user);
  }

  /** ComfyUI's {@code queue_remaining} for the caller: their prompts queued or running. */
  int remaining(UUID user) {
    Integer n =
        jdbc.queryForObject(
            "SELECT count(*) FROM comfy_prompts p JOIN generations g ON g.id = p.generation_id"
                + " WHERE p.user_id = ? AND g.status IN ('QUEUED', 'RUNNING')",
            Integer.class,
            user);
    return n == null ? 0 : n;
  }

  int historySize(UUID user) {
    Integer n =
        jdbc.queryForObject(
            "SELECT count(*) FROM comfy_prompts p JOIN generations g ON g.id = p.generation_id"
                + " WHERE p.user_id = ? AND NOT p.hidden AND "
                + IN_HISTORY,
            Integer.class,
            user);
    return n == null ? 0 : n;
  }

  /** The caller's finished, unhidden prompts in the order they finished, from {@code offset}. */
  List<Prompt> history(UUID user, int offset, int limit) {
    return jdbc.query(
        "SELECT p.* FROM comfy_prompts p JOIN generations g ON g.id = p.generation_id"
            + " WHERE p.user_id = ? AND NOT p.hidden AND "
            + IN_HISTORY
            + " ORDER BY g.finished_at, p.generation_id OFFSET ? LIMIT ?",
        ComfyPrompts::row,
        user,
        offset,
        limit);
  }

  /** The caller's prompt if it is in their history (finished and not hidden). */
  Optional<Prompt> inHistory(UUID user, UUID generation) {
    return jdbc
        .query(
            "SELECT p.* FROM comfy_prompts p JOIN generations g ON g.id = p.generation_id"
                + " WHERE p.user_id = ? AND p.generation_id = ? AND NOT p.hidden AND "
                + IN_HISTORY,
            ComfyPrompts::row,
            user,
            generation)
        .stream()
        .findFirst();
  }

  /** Hides the caller's finished prompts from their history: those listed, or all (null). */
  int hide(UUID user, @Nullable Collection<UUID> generations) {
    String finished =
        "UPDATE comfy_prompts p SET hidden = TRUE FROM generations g"
            + " WHERE g.id = p.generation_id AND p.user_id = ? AND "
            + IN_HISTORY;
    if (generations == null) {
      return jdbc.update(finished, user);
    }
    if (generations.isEmpty()) {
      return 0;
    }
    return jdbc.update(
        finished + " AND p.generation_id = ANY (?)",
        ps -> {
          ps.setObject(1, user);
          ps.setArray(2, ps.getConnection().createArrayOf("uuid", generations.toArray()));
        });
  }

  private static Prompt row(ResultSet rs, int i) throws SQLException {
    List<String> outputs = new ArrayList<>();
    JSON.readTree(rs.getString("outputs_to_execute")).forEach(n -> outputs.add(n.asString()));
    return new Prompt(
        rs.getObject("generation_id", UUID.class),
        rs.getObject("user_id", UUID.class),
        rs.getString("client_id"),
        rs.getBigDecimal("number"),
        JSON.readTree(rs.getString("extra_data")),
        List.copyOf(outputs),
        rs.getTimestamp("created_at").toInstant());
  }
}
