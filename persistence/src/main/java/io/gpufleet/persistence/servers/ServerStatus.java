package io.gpufleet.persistence.servers;

/**
 * Where a server is in its life: {@code PROVISIONING → LOADING → RUNNING ⇄ STOPPING → STOPPED →
 * STARTING → RUNNING …; DESTROYING → DESTROYED; any → ERROR}.
 */
public enum ServerStatus {
  PROVISIONING,
  LOADING,
  RUNNING,
  STOPPING,
  STOPPED,
  STARTING,
  DESTROYING,
  DESTROYED,
  ERROR;

  /** Gone for good: nothing is billed, nothing is reconciled. */
  public boolean terminal() {
    return this == DESTROYED;
  }
}
