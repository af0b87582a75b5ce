package io.gpufleet.persistence.setup;

/** Why a script ran on a server. */
public enum ExecutionKind {
  SETUP,
  RESET
}
