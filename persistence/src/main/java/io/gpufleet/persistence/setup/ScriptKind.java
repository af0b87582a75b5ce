package io.gpufleet.persistence.setup;

/** What a setup script does to a server. */
public enum ScriptKind {
  /** Installs (or repairs and restarts) ComfyUI; idempotent. */
  INSTALL,
  /** Removes an installation so that the next install starts clean. */
  RESET
}
