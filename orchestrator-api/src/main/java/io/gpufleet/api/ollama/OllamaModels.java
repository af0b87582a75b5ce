package io.gpufleet.api.ollama;

import io.gpufleet.api.providers.OllamaManagement.LoadedModel;
import io.gpufleet.api.providers.OllamaManagement.LocalModel;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * {@code server_ollama_models}: what the last probe of each Ollama server saw. Plain SQL rather
 * than an entity: the rows are replaced whole per server, and routing only reads them.
 */
@Repository
class OllamaModels {

  /** A model of one server; {@code loaded} with the instant Ollama will unload it. */
  record ServerModel(
      UUID serverId,
      String name,
      long sizeBytes,
      boolean loaded,
      @Nullable Instant expiresAt,
      Instant seenAt) {}

  private final JdbcTemplate jdbc;

  OllamaModels(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Replaces what is known of {@code serverId} with one probe's answers. */
  @Transactional
  public void replace(
      UUID serverId, List<LocalModel> tags, List<LoadedModel> loaded, Instant seenAt) {
    Map<String, LoadedModel> inMemory = new HashMap<>();
    loaded.forEach(m -> inMemory.put(m.name(), m));
    // rows are locked per server through its row, so two replicas probing at once do not interleave
    jdbc.queryForList("select id from servers where id = ? for update", serverId);
    jdbc.update("delete from server_ollama_models where server_id = ?", serverId);
    List<Object[]> rows = new ArrayList<>();
    for (LocalModel model : tags) {
      LoadedModel memory = inMemory.remove(model.name());
      rows.add(row(serverId, model.name(), model.sizeBytes(), memory, seenAt));
    }
    // a model in memory that /api/tags did not list (it was deleted while loaded): still usable
    for (LoadedModel memory : inMemory.values()) {
      rows.add(row(serverId, memory.name(), memory.sizeVram(), memory, seenAt));
    }
    jdbc.batchUpdate(
        "insert into server_ollama_models (server_id, name, size_bytes, loaded, expires_at,"
            + " seen_at) values (?, ?, ?, ?, ?, ?)",
        rows);
  }

  private static Object[] row(
      UUID serverId, String name, long size, @Nullable LoadedModel memory, Instant seenAt) {
    return new Object[] {
      serverId,
      name,
      size,
      memory != null,
      memory == null || memory.expiresAt() == null ? null : Timestamp.from(memory.expiresAt()),
      Timestamp.from(seenAt)
    };
  }

  @Transactional(readOnly = true)
  public List<ServerModel> of(UUID serverId) {
    return jdbc.query(
        "select * from server_ollama_models where server_id = ? order by name",
        (rs, i) -> model(rs),
        serverId);
  }

  /** The rows of any of {@code names} on any of {@code servers}. */
  @Transactional(readOnly = true)
  public List<ServerModel> named(Collection<String> names, Collection<UUID> servers) {
    if (names.isEmpty() || servers.isEmpty()) {
      return List.of();
    }
    return jdbc.query(
        "select * from server_ollama_models where name = any (?) and server_id = any (?)",
        ps -> {
          ps.setArray(1, ps.getConnection().createArrayOf("varchar", names.toArray()));
          ps.setArray(2, ps.getConnection().createArrayOf("uuid", servers.toArray()));
        },
        (rs, i) -> model(rs));
  }

  private static ServerModel model(java.sql.ResultSet rs) throws java.sql.SQLException {
    Timestamp expires = rs.getTimestamp("expires_at");
    return new ServerModel(
        rs.getObject("server_id", UUID.class),
        rs.getString("name"),
        rs.getLong("size_bytes"),
        rs.getBoolean("loaded"),
        expires == null ? null : expires.toInstant(),
        rs.getTimestamp("seen_at").toInstant());
  }
}
