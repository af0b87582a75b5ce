package io.gpufleet.persistence.pools;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How an admin bounds a pool: its size, the wait it promises, when idle servers go. Checked by the
 * caller; the table's constraints are the last word.
 *
 * @param destroyStoppedAfter absent: stopped servers are kept
 * @param defaultJobTime how long one job takes until the pool's servers have measured it
 */
public record PoolLimits(
    int minServers,
    int maxServers,
    Duration targetWait,
    Duration idleStopAfter,
    @Nullable Duration destroyStoppedAfter,
    Duration defaultJobTime) {}
