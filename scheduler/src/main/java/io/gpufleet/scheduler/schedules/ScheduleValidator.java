package io.gpufleet.scheduler.schedules;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Checks a {@link ScheduleCommand} and turns it into its valid parts, or says what is wrong. */
final class ScheduleValidator {

  private ScheduleValidator() {}

  /** The valid parts of a command. */
  record Valid(ZoneId timezone, Set<DayOfWeek> weekdays) {}

  static Valid validate(ScheduleCommand cmd) {
    Map<String, String> errors = new LinkedHashMap<>();

    ZoneId zone = null;
    String timezone = cmd.timezone();
    if (timezone == null || timezone.isBlank()) {
      errors.put("timezone", "must be an IANA timezone such as Europe/Berlin");
    } else if (!ZoneId.getAvailableZoneIds().contains(timezone)) {
      // only region ids: a fixed offset like +02:00 would silently ignore daylight saving time
      errors.put("timezone", "unknown timezone '" + timezone + "'");
    } else {
      zone = ZoneId.of(timezone);
    }

    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    Set<Integer> weekdays = cmd.weekdays() == null ? Set.of() : cmd.weekdays();
    for (Integer day : weekdays) {
      if (day == null || day < 1 || day > 7) {
        errors.put("weekdays", "must be between 1 (Monday) and 7 (Sunday), got " + day);
        break;
      }
      days.add(DayOfWeek.of(day));
    }
    if (days.isEmpty() && (cmd.autoStart() || cmd.autoStop()) && !errors.containsKey("weekdays")) {
      errors.put("weekdays", "must name at least one day when autoStart or autoStop is on");
    }

    LocalTime start = cmd.startTime();
    LocalTime stop = cmd.stopTime();
    if (cmd.autoStart() && start == null) {
      errors.put("startTime", "is required when autoStart is on");
    }
    if (cmd.autoStop() && stop == null) {
      errors.put("stopTime", "is required when autoStop is on");
    }
    if (start != null && stop != null && truncate(start).equals(truncate(stop))) {
      errors.put("stopTime", "must differ from startTime");
    }

    if (!errors.isEmpty() || zone == null) {
      throw new ScheduleInvalidException(errors);
    }
    return new Valid(zone, days);
  }

  /** Schedules work in whole minutes ("HH:mm"). */
  static LocalTime truncate(LocalTime time) {
    return time.withSecond(0).withNano(0);
  }
}
