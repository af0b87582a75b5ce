package io.gpufleet.persistence.servers;

/** What the admin (or a schedule) wants the server to be; the reconciler converges on it. */
public enum DesiredState {
  RUNNING,
  STOPPED,
  DESTROYED
}
