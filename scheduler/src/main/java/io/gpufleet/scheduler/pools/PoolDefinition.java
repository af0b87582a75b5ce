package io.gpufleet.scheduler.pools;

import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.servers.ServerSpec;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A pool as an admin defines it.
 *
 * @param workflowIds the workflows whose queue it serves; empty: all
 * @param serverIds its servers; absent on a change: unchanged
 */
public record PoolDefinition(
    String name,
    String provider,
    ServerSpec spec,
    @Nullable UUID setupScriptId,
    PoolLimits limits,
    ZoneId timezone,
    boolean enabled,
    Set<UUID> workflowIds,
    @Nullable Set<UUID> serverIds) {

  public PoolDefinition {
    workflowIds = Set.copyOf(workflowIds);
    serverIds = serverIds == null ? null : Set.copyOf(serverIds);
  }
}
