package io.gpufleet.api.history;

import io.gpufleet.api.users.AuthenticatedUser;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Counts of generations by status and per day (UTC), with the list's filters. */
@Component
class HistoryStats {

  private final JdbcTemplate jdbc;

  HistoryStats(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  record Day(LocalDate day, long total, Map<String, Long> byStatus) {}

  record Stats(long total, Map<String, Long> byStatus, List<Day> perDay) {}

  Stats of(AuthenticatedUser user, HistoryFilters f) {
    StringBuilder where = new StringBuilder(" WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (!user.isAdmin()) {
      where.append(" AND user_id = ?");
      args.add(user.id());
    }
    if (f.workflowId() != null) {
      where.append(" AND workflow_id = ?");
      args.add(f.workflowId());
    }
    if (f.sessionId() != null) {
      where.append(" AND session_id = ?");
      args.add(f.sessionId());
    }
    if (f.serverId() != null) {
      where.append(" AND server_id = ?");
      args.add(f.serverId());
    }
    if (f.from() != null) {
      where.append(" AND created_at >= ?");
      args.add(Timestamp.from(f.from()));
    }
    if (f.to() != null) {
      where.append(" AND created_at < ?");
      args.add(Timestamp.from(f.to()));
    }
    Map<String, Long> byStatus = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
    jdbc.query(
        "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, status, count(*) AS n"
            + " FROM generations"
            + where
            + " GROUP BY 1, 2",
        rs -> {
          String status = rs.getString("status");
          long n = rs.getLong("n");
          byStatus.merge(status, n, Long::sum);
          days.computeIfAbsent(rs.getObject("day", LocalDate.class), d -> new TreeMap<>())
              .merge(status, n, Long::sum);
        },
        args.toArray());
    List<Day> perDay = new ArrayList<>();
    days.forEach(
        (day, counts) ->
            perDay.add(
                new Day(
                    day,
                    counts.values().stream().mapToLong(Long::longValue).sum(),
                    new LinkedHashMap<>(counts))));
    return new Stats(byStatus.values().stream().mapToLong(Long::longValue).sum(), byStatus, perDay);
  }
}
