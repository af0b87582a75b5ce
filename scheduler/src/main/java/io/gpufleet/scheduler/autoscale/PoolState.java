package io.gpufleet.scheduler.autoscale;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Everything the policy decides from, at one instant.
 *
 * @param budgetRefusal why the budget guard forbids spending more now, if it does
 */
public record PoolState(
    Instant now,
    PoolPolicy policy,
    List<PoolServer> servers,
    Demand demand,
    ReadyTimes readyTimes,
    DemandProfile profile,
    @Nullable String budgetRefusal) {

  public PoolState {
    servers = List.copyOf(servers);
  }
}
