package io.gpufleet.api.uploads;

import io.gpufleet.api.results.ResultStore;
import io.gpufleet.api.sessions.SessionContents;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.GpuFleetProperties;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.comfy.workflow.Workflow;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Input images: checked by their first bytes (PNG, JPEG, WebP), kept at {@code
 * <data>/uploads/<id>}, expired when their session (or, without one, the upload itself) has been
 * idle for {@code gpufleet.generations.upload-ttl}.
 */
@Component
public class UploadStore implements SessionContents {

  static final String UPLOAD_NOT_FOUND = "UPLOAD_NOT_FOUND";
  private static final Logger log = LoggerFactory.getLogger(UploadStore.class);

  private final JdbcTemplate jdbc;
  private final Path root;
  private final Clock clock;
  private final UploadProperties settings;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "upload-cleanup");
            t.setDaemon(true);
            return t;
          });

  UploadStore(
      JdbcTemplate jdbc, GpuFleetProperties properties, Clock clock, UploadProperties settings) {
    this.jdbc = jdbc;
    this.root = properties.dataDir().resolve("uploads");
    this.clock = clock;
    this.settings = settings;
  }

  public record UploadView(
      UUID id,
      UUID userId,
      @Nullable UUID sessionId,
      String filename,
      String contentType,
      long sizeBytes,
      String sha256,
      Instant createdAt,
      String inputValue) {}

  /** Stores the caller's image (checked by its first bytes) and answers it. */
  public UploadView store(
      AuthenticatedUser user, @Nullable UUID session, @Nullable String filename, byte[] bytes) {
    String type = ImageTypes.sniff(bytes);
    if (type == null) {
      throw ApiException.invalidField("file", "must be a PNG, JPEG or WebP image");
    }
    UUID id = UUID.randomUUID();
    try {
      Files.createDirectories(root);
      Path tmp = Files.createTempFile(root, "part", ".tmp");
      Files.write(tmp, bytes);
      Files.move(tmp, path(id), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    jdbc.update(
        "INSERT INTO uploads (id, user_id, session_id, filename, content_type, size_bytes,"
            + " sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        user.id(),
        session,
        safeName(filename, type),
        type,
        bytes.length,
        sha256(bytes),
        Timestamp.from(clock.instant()));
    return find(id).orElseThrow();
  }

  public Optional<UploadView> find(UUID id) {
    return jdbc.query("SELECT * FROM uploads WHERE id = ?", UploadStore::row, id).stream()
        .findFirst();
  }

  /** The caller's upload (any for admins), or 404. */
  UploadView get(AuthenticatedUser user, UUID id) {
    return find(id)
        .filter(u -> user.isAdmin() || u.userId().equals(user.id()))
        .orElseThrow(() -> ApiException.notFound(UPLOAD_NOT_FOUND, "No upload " + id));
  }

  public Path path(UUID id) {
    return root.resolve(id.toString());
  }

  /** Every upload the graph names must be the caller's. */
  public void requireOwn(AuthenticatedUser user, Workflow graph) {
    UploadReferences.in(graph)
        .forEach(
            (target, id) -> {
              if (find(id).filter(u -> u.userId().equals(user.id())).isEmpty()) {
                throw ApiException.invalidField("inputs." + target, "no such upload of yours");
              }
            });
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long every = settings.uploadCleanupInterval().toMillis();
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            expire(clock.instant());
          } catch (RuntimeException e) {
            log.warn("Expiring uploads failed: {}", e.toString());
          }
        },
        every,
        every,
        TimeUnit.MILLISECONDS);
  }

  /** Deletes the rows and files of uploads idle longer than the TTL at {@code now}. */
  int expire(Instant now) {
    Timestamp cutoff = Timestamp.from(now.minus(settings.uploadTtl()));
    List<UUID> gone =
        jdbc.query(
            "DELETE FROM uploads u WHERE (u.session_id IS NULL AND u.created_at < ?)"
                + " OR EXISTS (SELECT 1 FROM generation_sessions s WHERE s.id = u.session_id"
                + " AND s.last_active_at < ?) RETURNING u.id",
            (rs, i) -> rs.getObject("id", UUID.class),
            cutoff,
            cutoff);
    gone.forEach(this::deleteFile);
    return gone.size();
  }

  /** Before a session's rows go with it: its files. */
  @Override
  public void deleteOf(UUID session) {
    jdbc.query(
            "SELECT id FROM uploads WHERE session_id = ?",
            (rs, i) -> rs.getObject("id", UUID.class),
            session)
        .forEach(this::deleteFile);
  }

  private void deleteFile(UUID id) {
    try {
      Files.deleteIfExists(path(id));
    } catch (IOException e) {
      log.warn("Could not delete upload {}: {}", id, e.getMessage());
    }
  }

  private static String safeName(@Nullable String filename, String type) {
    String base =
        filename == null ? "" : filename.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "");
    if (base.isEmpty()) {
      base = "image." + ResultStore.extension(type);
    }
    return base.length() > 200 ? base.substring(base.length() - 200) : base;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every JVM has SHA-256", e);
    }
  }

  private static UploadView row(ResultSet rs, int i) throws SQLException {
    UUID id = rs.getObject("id", UUID.class);
    return new UploadView(
        id,
        rs.getObject("user_id", UUID.class),
        rs.getObject("session_id", UUID.class),
        rs.getString("filename"),
        rs.getString("content_type"),
        rs.getLong("size_bytes"),
        rs.getString("sha256"),
        rs.getTimestamp("created_at").toInstant(),
        UploadReferences.PREFIX + id);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
