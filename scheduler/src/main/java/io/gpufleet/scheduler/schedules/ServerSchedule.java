package io.gpufleet.scheduler.schedules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A server's valid schedule. A window opens at {@code startTime} on each of the {@code weekdays}
 * and closes at the next {@code stopTime}, which is on the following day when the stop time is
 * before the start time (an overnight window).
 */
public record ServerSchedule(
    UUID serverId,
    boolean autoStart,
    boolean autoStop,
    @Nullable LocalTime startTime,
    @Nullable LocalTime stopTime,
    ZoneId timezone,
    Set<DayOfWeek> weekdays,
    Instant createdAt,
    Instant updatedAt) {

  public ServerSchedule {
    weekdays =
        Collections.unmodifiableSet(
            weekdays.isEmpty() ? EnumSet.noneOf(DayOfWeek.class) : EnumSet.copyOf(weekdays));
  }

  /** Whether a window runs past midnight, so that its stop falls on the next day. */
  public boolean overnight() {
    return startTime != null && stopTime != null && stopTime.isBefore(startTime);
  }
}
