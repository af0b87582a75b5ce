package io.gpufleet.api.generations;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The latest preview of each running generation, in PostgreSQL so that any replica can serve it.
 * One row per generation, replaced in place; its version tells clients that the picture changed.
 */
@Component
public class GenerationPreviews {

  /** A stored preview: its type, bytes and version (1 for the first of a generation). */
  public record Preview(String mediaType, byte[] image, int version) {}

  private final JdbcTemplate jdbc;

  GenerationPreviews(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores the picture and answers its version (1 for the first). */
  public int store(
      UUID generation, String mediaType, byte[] image, @Nullable String nodeId, Instant at) {
    Integer version =
        jdbc.queryForObject(
            """
            INSERT INTO generation_previews (generation_id, media_type, image, node_id, version,
                                             updated_at)
            VALUES (?, ?, ?, ?, 1, ?)
            ON CONFLICT (generation_id) DO UPDATE
               SET media_type = EXCLUDED.media_type, image = EXCLUDED.image,
                   node_id = EXCLUDED.node_id, version = generation_previews.version + 1,
                   updated_at = EXCLUDED.updated_at
            RETURNING version
            """,
            Integer.class,
            generation,
            mediaType,
            image,
            nodeId,
            Timestamp.from(at));
    return version == null ? 1 : version;
  }

  public Optional<Preview> find(UUID generation) {
    return jdbc
        .query(
            "SELECT media_type, image, version FROM generation_previews WHERE generation_id = ?",
            (rs, row) -> new Preview(rs.getString(1), rs.getBytes(2), rs.getInt(3)),
            generation)
        .stream()
        .findFirst();
  }

  public void delete(UUID generation) {
    jdbc.update("DELETE FROM generation_previews WHERE generation_id = ?", generation);
  }

  public static String url(UUID generation, int version) {
    return "/api/v1/generations/" + generation + "/preview?v=" + version;
  }
}
