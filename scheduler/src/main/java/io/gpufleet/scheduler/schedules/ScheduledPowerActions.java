package io.gpufleet.scheduler.schedules;

import java.util.Optional;
import java.util.UUID;

/**
 * What a schedule does to a server when its time comes. The lifecycle code implements this (as one
 * Spring bean); without an implementation the scheduled jobs log and skip.
 */
public interface ScheduledPowerActions {

  void scheduledStart(UUID serverId);

  void scheduledStop(UUID serverId);

  /**
   * Asked before every scheduled start; a reason refuses the start (a budget guard, a server in the
   * wrong state). The default never refuses.
   */
  default Optional<String> refuseScheduledStart(UUID serverId) {
    return Optional.empty();
  }
}
