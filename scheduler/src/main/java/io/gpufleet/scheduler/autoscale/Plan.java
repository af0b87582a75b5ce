package io.gpufleet.scheduler.autoscale;

import java.util.List;

/**
 * What the autoscaler decided for a pool at one moment.
 *
 * @param wanted servers it wants running or booting
 * @param capacity servers that were running (not draining) or booting before the decisions
 * @param summary the figures it decided on, for the decision log
 */
public record Plan(int wanted, int capacity, List<Decision> decisions, String summary) {

  public Plan {
    decisions = List.copyOf(decisions);
  }

  public List<Decision> of(Decision.Action action) {
    return decisions.stream().filter(d -> d.action() == action).toList();
  }
}
