package io.gpufleet.scheduler.schedules;

import java.time.LocalTime;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an admin puts as a server's schedule, unchecked: {@link ScheduleService#put} validates it.
 *
 * @param timezone an IANA zone id such as {@code Europe/Berlin}
 * @param weekdays the days a window opens, 1 = Monday … 7 = Sunday
 */
public record ScheduleCommand(
    boolean autoStart,
    boolean autoStop,
    @Nullable LocalTime startTime,
    @Nullable LocalTime stopTime,
    @Nullable String timezone,
    @Nullable Set<Integer> weekdays) {}
