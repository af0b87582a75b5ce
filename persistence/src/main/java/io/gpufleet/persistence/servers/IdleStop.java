package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When an idle server stops by itself: after {@code minutes} without work (absent: never), counted
 * from its last activity.
 */
@Embeddable
public record IdleStop(
    @Column(name = "idle_stop_minutes") @Nullable Integer minutes,
    @Column(name = "last_activity_at") @Nullable Instant lastActivityAt) {

  public static final IdleStop NEVER = new IdleStop(null, null);

  IdleStop withMinutes(@Nullable Integer newMinutes) {
    return new IdleStop(newMinutes, lastActivityAt);
  }

  /** Activity reported out of order never moves the last activity back. */
  IdleStop withActivity(Instant at) {
    return lastActivityAt == null || at.isAfter(lastActivityAt) ? new IdleStop(minutes, at) : this;
  }
}
