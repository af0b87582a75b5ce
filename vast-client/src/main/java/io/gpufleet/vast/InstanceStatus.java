package io.gpufleet.vast;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A state word Vast uses in {@code actual_status}, {@code intended_status}, {@code cur_state} and
 * {@code next_state}. Vast adds new words now and then, so anything unexpected reads as {@link
 * #UNKNOWN} instead of failing.
 */
public enum InstanceStatus {
  /** {@code null} in the API: the instance is still being provisioned. */
  PROVISIONING,
  CREATED,
  LOADING,
  RUNNING,
  STOPPED,
  FROZEN,
  EXITED,
  REBOOTING,
  RECYCLING,
  RESTARTING,
  OFFLINE,
  /** The GPU contract was released (after destroy). */
  UNLOADED,
  /** Vast's own "unknown" (no recent heartbeat) and every word this client does not know. */
  UNKNOWN;

  static InstanceStatus parse(@Nullable String value) {
    if (value == null || value.isBlank()) {
      return PROVISIONING;
    }
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unexpected) {
      return UNKNOWN;
    }
  }

  /** The instance will never become running by itself: destroy it and rent elsewhere. */
  public boolean dead() {
    return this == EXITED || this == OFFLINE || this == UNKNOWN;
  }
}
