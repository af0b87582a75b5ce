package io.gpufleet.persistence.generations;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When a generation was asked for, last dispatched, started its current run, ended, and last
 * changed.
 */
@Embeddable
public record Timings(
    @Column(name = "created_at", nullable = false) Instant createdAt,
    @Column(name = "dispatched_at") @Nullable Instant dispatchedAt,
    @Column(name = "started_at") @Nullable Instant startedAt,
    @Column(name = "finished_at") @Nullable Instant finishedAt,
    @Column(name = "updated_at", nullable = false) Instant updatedAt) {

  static Timings createdAt(Instant now) {
    return new Timings(now, null, null, null, now);
  }

  Timings dispatched(Instant now) {
    return new Timings(createdAt, now, now, finishedAt, now);
  }

  Timings started(Instant at) {
    return new Timings(createdAt, dispatchedAt, at, finishedAt, at);
  }

  Timings finished(Instant now) {
    return new Timings(createdAt, dispatchedAt, startedAt, now, now);
  }

  Timings changed(Instant now) {
    return new Timings(createdAt, dispatchedAt, startedAt, finishedAt, now);
  }
}
