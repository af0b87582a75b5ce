package io.gpufleet.scheduler.schedules;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Schedules for tests. */
final class Schedules {

  static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

  private Schedules() {}

  static ServerSchedule schedule(
      @Nullable String start, @Nullable String stop, String zone, DayOfWeek... days) {
    return new ServerSchedule(
        UUID.randomUUID(),
        start != null,
        stop != null,
        start == null ? null : LocalTime.parse(start),
        stop == null ? null : LocalTime.parse(stop),
        ZoneId.of(zone),
        Set.of(days),
        CREATED,
        CREATED);
  }

  static DayOfWeek[] everyDay() {
    return DayOfWeek.values();
  }
}
