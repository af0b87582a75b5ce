package io.gpufleet.api.system;

import io.gpufleet.scheduler.vast.VastSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The one public endpoint: is the platform up, which version, is it a sandbox, is its database up,
 * and can the fleet run generations now (seed 003's {@code comfyui_available}: a RUNNING server
 * whose ComfyUI answered its last probe). Only that yes or no is public, not the fleet's size.
 */
@RestController
@RequestMapping("/api/v1/health")
class HealthController {

  private final JdbcTemplate jdbc;
  private final VastSettings vast;
  private final @Nullable BuildProperties build;
  private final boolean embeddedDatabase;
  private final Clock clock;

  HealthController(
      JdbcTemplate jdbc,
      VastSettings vast,
      ObjectProvider<BuildProperties> build,
      ObjectProvider<EmbeddedPostgres> embedded,
      Clock clock) {
    this.jdbc = jdbc;
    this.vast = vast;
    this.build = build.getIfAvailable();
    this.embeddedDatabase = embedded.getIfAvailable() != null;
    this.clock = clock;
  }

  @GetMapping
  ResponseEntity<Health> health() {
    DatabaseHealth database = database();
    boolean up = database.status() == Status.UP;
    Health health =
        new Health(
            up ? Status.UP : Status.DOWN,
            build == null ? "dev" : build.getVersion(),
            vast.sandbox(),
            database,
            new FleetHealth(up && comfyAvailable()),
            Instant.now(clock));
    return ResponseEntity.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(health);
  }

  private DatabaseHealth database() {
    try {
      String version =
          jdbc.queryForObject("select current_setting('server_version')", String.class);
      return new DatabaseHealth(Status.UP, "PostgreSQL " + version, embeddedDatabase, null);
    } catch (DataAccessException e) {
      return new DatabaseHealth(
          Status.DOWN, null, embeddedDatabase, e.getMostSpecificCause().getMessage());
    }
  }

  private boolean comfyAvailable() {
    try {
      Boolean any =
          jdbc.queryForObject(
              "select exists (select 1 from servers where status = 'RUNNING' and health = 'HEALTHY')",
              Boolean.class);
      return Boolean.TRUE.equals(any);
    } catch (DataAccessException e) {
      return false;
    }
  }

  enum Status {
    UP,
    DOWN
  }

  record Health(
      Status status,
      String version,
      boolean sandbox,
      DatabaseHealth database,
      FleetHealth fleet,
      Instant checkedAt) {}

  /** Whether at least one server can take a generation now; queued work waits otherwise. */
  record FleetHealth(boolean comfyAvailable) {}

  record DatabaseHealth(
      Status status, @Nullable String server, boolean embedded, @Nullable String error) {}
}
