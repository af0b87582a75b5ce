package io.gpufleet.scheduler.autoscale;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One thing the autoscaler wants done, and why.
 *
 * @param serverId the server it concerns; absent for {@link Action#RENT} and {@link Action#HOLD}
 */
public record Decision(Action action, @Nullable UUID serverId, String reason) {

  public enum Action {
    /** Start a stopped server, or take a draining one back. */
    START,
    /** Rent a new server of the pool's spec. */
    RENT,
    /** Drain, then stop: it keeps its disk. */
    STOP,
    /** Give the machine back for good. */
    DESTROY,
    /** More servers are wanted but may not be started (the budget); nothing is done. */
    HOLD
  }

  static Decision start(PoolServer server, String reason) {
    return new Decision(Action.START, server.id(), reason);
  }

  static Decision stop(PoolServer server, String reason) {
    return new Decision(Action.STOP, server.id(), reason);
  }

  static Decision destroy(PoolServer server, String reason) {
    return new Decision(Action.DESTROY, server.id(), reason);
  }
}
