package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What an admin sets for a pool: how many servers, the wait it promises, when idle servers go.
 *
 * @param minServers servers kept running (or booting) at all times
 * @param maxServers the autoscaler never has more running or booting than this
 * @param targetWait the queue wait that {@code 95 %} of jobs should not exceed
 * @param idleStopAfter a server idle this long may be stopped when it is not needed
 * @param destroyStoppedAfter a server stopped this long is destroyed when the forecast does not
 *     need it (its disk costs money); absent: stopped servers are kept
 * @param defaultJobTime how long one job takes, until servers have measured it
 */
public record PoolPolicy(
    String name,
    int minServers,
    int maxServers,
    Duration targetWait,
    Duration idleStopAfter,
    @Nullable Duration destroyStoppedAfter,
    Duration defaultJobTime) {

  public PoolPolicy {
    if (minServers < 0 || maxServers < minServers) {
      throw new IllegalArgumentException(
          "Need 0 <= minServers <= maxServers, got " + minServers + " and " + maxServers);
    }
    if (targetWait.isNegative()
        || targetWait.isZero()
        || defaultJobTime.isNegative()
        || defaultJobTime.isZero()
        || idleStopAfter.isNegative()) {
      throw new IllegalArgumentException(
          "targetWait and defaultJobTime must be positive, idleStopAfter not negative");
    }
  }
}
