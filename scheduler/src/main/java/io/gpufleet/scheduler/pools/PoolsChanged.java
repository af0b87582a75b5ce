package io.gpufleet.scheduler.pools;

import java.util.UUID;

/**
 * A pool was created, changed or deleted, or a server joined one: what its servers are kept for may
 * have changed (published inside the transaction; listeners act after it commits).
 */
public record PoolsChanged(UUID poolId) {}
