package io.gpufleet.api.routing;

import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Each server's speed in work units per second ({@link
 * io.gpufleet.scheduler.routing.WorkEstimate}), measured from its own runs as an exponentially
 * weighted mean, and shared by the replicas in PostgreSQL. Until a server has been measured its
 * GPU's class gives a first guess; measurements soon replace it.
 */
@Component
public class ServerSpeeds {

  /** The weight of the newest measurement. */
  static final double ALPHA = 0.3;

  /** A GPU we know nothing of: a mid-range card. */
  static final double UNKNOWN_GPU = 10.0;

  // rough SD 1.5 steps/s at 512x512, only to rank unmeasured servers
  private static final Map<String, Double> BY_GPU =
      Map.ofEntries(
          Map.entry("H200", 36.0),
          Map.entry("H100", 32.0),
          Map.entry("B200", 40.0),
          Map.entry("5090", 30.0),
          Map.entry("4090", 24.0),
          Map.entry("L40S", 22.0),
          Map.entry("A100", 20.0),
          Map.entry("4080", 18.0),
          Map.entry("L40", 18.0),
          Map.entry("3090", 14.0),
          Map.entry("A6000", 13.0),
          Map.entry("A40", 12.0),
          Map.entry("4070", 12.0),
          Map.entry("3080", 12.0),
          Map.entry("A10", 9.0),
          Map.entry("L4", 7.0),
          Map.entry("3070", 8.0),
          Map.entry("3060", 6.0),
          Map.entry("T4", 3.0));

  private final JdbcTemplate jdbc;
  private final Clock clock;

  ServerSpeeds(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** The first guess for a GPU by its name ("NVIDIA GeForce RTX 4090", "RTX_4090", "H100 SXM"). */
  public static double guess(@Nullable String gpuName) {
    if (gpuName == null) {
      return UNKNOWN_GPU;
    }
    String name = gpuName.toUpperCase(Locale.ROOT).replace('_', ' ');
    return BY_GPU.entrySet().stream()
        .filter(e -> name.contains(e.getKey()))
        // the longest match: "L40S" before "L40", "A100" before "A10"
        .max((a, b) -> Integer.compare(a.getKey().length(), b.getKey().length()))
        .map(Map.Entry::getValue)
        .orElse(UNKNOWN_GPU);
  }

  /** Every measured server's speed. */
  public Map<UUID, Double> measured() {
    Map<UUID, Double> speeds = new HashMap<>();
    jdbc.query(
        "SELECT server_id, work_per_second FROM server_speeds",
        rs -> {
          speeds.put(rs.getObject(1, UUID.class), rs.getDouble(2));
        });
    return speeds;
  }

  /** Folds one run's rate into the server's mean, atomically (replicas record at once). */
  public void record(UUID server, double workPerSecond) {
    if (!(workPerSecond > 0) || Double.isInfinite(workPerSecond)) {
      return;
    }
    java.sql.Timestamp now = java.sql.Timestamp.from(clock.instant());
    jdbc.update(
        """
        INSERT INTO server_speeds (server_id, work_per_second, samples, updated_at)
        VALUES (?, ?, 1, ?)
        ON CONFLICT (server_id) DO UPDATE SET
          work_per_second = server_speeds.work_per_second * (1 - ?) + excluded.work_per_second * ?,
          samples = server_speeds.samples + 1,
          updated_at = excluded.updated_at
        """,
        server,
        workPerSecond,
        now,
        ALPHA,
        ALPHA);
  }
}
