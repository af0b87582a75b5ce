package io.gpufleet.persistence.setup;

import java.util.EnumSet;
import java.util.Set;

/** Where a run of a script on a server stands. */
public enum ExecutionStatus {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** The states of a run not yet over; a server has at most one run in them. */
  public static final Set<ExecutionStatus> ACTIVE = EnumSet.of(QUEUED, RUNNING);

  public boolean isActive() {
    return ACTIVE.contains(this);
  }
}
