package io.gpufleet.api.fleet;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** The fleet's generation figures, read from the generations table with SQL aggregates. */
@Component
class GenerationTable implements GenerationFigures {

  private final JdbcTemplate jdbc;

  GenerationTable(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public long queueDepth() {
    return count("QUEUED");
  }

  @Override
  public long running() {
    return count("RUNNING");
  }

  private long count(String status) {
    Long n =
        jdbc.queryForObject(
            "select count(*) from generations where status = ?", Long.class, status);
    return n == null ? 0 : n;
  }

  @Override
  public Outcomes outcomes(Instant from, Instant to) {
    return jdbc.queryForObject(
        """
        select count(*) filter (where status = 'COMPLETED'),
               count(*) filter (where status = 'FAILED'),
               count(*) filter (where status = 'CANCELLED')
          from generations
         where finished_at >= ? and finished_at < ?
        """,
        (rs, row) -> new Outcomes(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
        Timestamp.from(from),
        Timestamp.from(to));
  }

  @Override
  public List<StepFigures> series(Instant from, Instant to, Duration step) {
    Map<Integer, StepFigures> byBucket = new HashMap<>();
    jdbc.query(
        """
        select floor(extract(epoch from (finished_at - ?)) / ?)::int as bucket,
               count(*) filter (where status = 'COMPLETED') as completed,
               count(*) filter (where status = 'FAILED') as failed,
               percentile_cont(0.5) within group (order by extract(epoch from started_at - created_at))
                 filter (where started_at is not null) as wait50,
               percentile_cont(0.95) within group (order by extract(epoch from started_at - created_at))
                 filter (where started_at is not null) as wait95,
               percentile_cont(0.5) within group (order by extract(epoch from finished_at - started_at))
                 filter (where started_at is not null) as run50,
               percentile_cont(0.95) within group (order by extract(epoch from finished_at - started_at))
                 filter (where started_at is not null) as run95,
               coalesce(sum(gpu_seconds), 0) as gpu_seconds
          from generations
         where finished_at >= ? and finished_at < ? and status in ('COMPLETED', 'FAILED')
         group by bucket
        """,
        rs -> {
          int bucket = rs.getInt("bucket");
          byBucket.put(
              bucket,
              new StepFigures(
                  from.plus(step.multipliedBy(bucket)),
                  rs.getLong("completed"),
                  rs.getLong("failed"),
                  rs.getDouble("wait50"),
                  rs.getDouble("wait95"),
                  rs.getDouble("run50"),
                  rs.getDouble("run95"),
                  rs.getDouble("gpu_seconds")));
        },
        Timestamp.from(from),
        (double) step.toSeconds(),
        Timestamp.from(from),
        Timestamp.from(to));
    List<StepFigures> series = new ArrayList<>();
    int buckets = (int) Math.ceil(Duration.between(from, to).toMillis() / (double) step.toMillis());
    for (int i = 0; i < buckets; i++) {
      series.add(
          byBucket.getOrDefault(
              i, new StepFigures(from.plus(step.multipliedBy(i)), 0, 0, 0, 0, 0, 0, 0)));
    }
    return series;
  }
}
