package io.gpufleet.scheduler.pools;

import io.gpufleet.scheduler.autoscale.ReadyTimes;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * How long the pool's servers took from the autoscaler's start or rental to ready (running, set up,
 * healthy). A sample opens when the autoscaler acts and closes at the first tick that finds the
 * server ready, so it is accurate to one interval; a server that never gets ready leaves its sample
 * open, and the next action on it replaces it.
 */
@Component
class ReadyTimeLog {

  /** The newest samples of each kind that count. */
  static final int SAMPLES = 50;

  enum Kind {
    START,
    RENT
  }

  private final JdbcTemplate jdbc;

  ReadyTimeLog(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  void began(UUID poolId, UUID serverId, Kind kind, Instant at) {
    jdbc.update("DELETE FROM pool_ready_times WHERE server_id = ? AND ready_at IS NULL", serverId);
    jdbc.update(
        "INSERT INTO pool_ready_times (id, pool_id, server_id, kind, began_at) VALUES (?,?,?,?,?)",
        UUID.randomUUID(),
        poolId,
        serverId,
        kind.name(),
        Timestamp.from(at));
  }

  void ready(UUID serverId, Instant at) {
    jdbc.update(
        "UPDATE pool_ready_times SET ready_at = greatest(began_at, ?) "
            + "WHERE server_id = ? AND ready_at IS NULL",
        Timestamp.from(at),
        serverId);
  }

  /** The pool's measured times, each kind falling back to the typical one with few samples. */
  ReadyTimes of(UUID poolId) {
    return ReadyTimes.measured(
        samples(poolId, Kind.START), samples(poolId, Kind.RENT), ReadyTimes.TYPICAL);
  }

  private List<Duration> samples(UUID poolId, Kind kind) {
    return new ArrayList<>(
        jdbc.query(
            "SELECT extract(epoch FROM ready_at - began_at) FROM pool_ready_times "
                + "WHERE pool_id = ? AND kind = ? AND ready_at IS NOT NULL "
                + "ORDER BY began_at DESC LIMIT "
                + SAMPLES,
            (rs, row) -> Duration.ofMillis(Math.round(rs.getDouble(1) * 1000)),
            poolId,
            kind.name()));
  }
}
