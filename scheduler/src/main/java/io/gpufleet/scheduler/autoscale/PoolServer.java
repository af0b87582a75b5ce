package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One server of a pool as the policy sees it.
 *
 * @param stateSince when it entered its state (stopped since, booting since…)
 * @param lastBusyAt when it last had work, or became ready; idle time counts from here
 * @param jobTime its measured time per job, absent until measured
 * @param activeJobs jobs running or waiting on it now
 * @param pricePerHour what it costs while running, 0 when unknown
 * @param scheduledUp its schedule says it runs now: it is never stopped
 * @param nextScheduledStart its schedule's next start, if it has one
 */
public record PoolServer(
    UUID id,
    String name,
    State state,
    Instant stateSince,
    Instant lastBusyAt,
    @Nullable Duration jobTime,
    int activeJobs,
    double pricePerHour,
    boolean scheduledUp,
    @Nullable Instant nextScheduledStart) {

  /** Where a server is, from the policy's point of view. */
  public enum State {
    /** Running and taking work. */
    READY,
    /** Rented or started, not yet ready (provisioning, starting, setting up). */
    BOOTING,
    /** Finishing its work before a stop; takes none. */
    DRAINING,
    /** Stopped, keeps its disk; starts faster than a new rental. */
    STOPPED,
    /** Broken: it could not start (its GPU was taken) or its machine died. */
    FAILED
  }

  /** How long it has had nothing to do at {@code now}. */
  Duration idleFor(Instant now) {
    return activeJobs > 0 || lastBusyAt.isAfter(now)
        ? Duration.ZERO
        : Duration.between(lastBusyAt, now);
  }
}
