package io.gpufleet.api.servers;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.scheduler.schedules.NextAction;
import io.gpufleet.scheduler.schedules.ScheduleCommand;
import io.gpufleet.scheduler.schedules.ScheduleService;
import io.gpufleet.scheduler.schedules.ServerSchedule;
import io.gpufleet.scheduler.schedules.UpTime;
import jakarta.validation.constraints.NotNull;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A server's start/stop schedule, its next action, and a week view of when it is up. */
@RestController
@RequestMapping("/api/v1/servers/{id}/schedule")
@PreAuthorize("hasRole('ADMIN')")
class ScheduleController {

  /** The weeks a view can show: the ones a calendar can name and a schedule can matter in. */
  static final LocalDate FIRST_WEEK = LocalDate.of(1970, 1, 1);

  static final LocalDate LAST_WEEK = LocalDate.of(9999, 12, 24);

  private final ScheduleService schedules;

  ScheduleController(ScheduleService schedules) {
    this.schedules = schedules;
  }

  @GetMapping
  ScheduleView get(@PathVariable UUID id) {
    ServerSchedule schedule =
        schedules
            .get(id)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        "SCHEDULE_NOT_FOUND", "Server " + id + " has no schedule"));
    return ScheduleView.of(schedule, schedules.nextAction(id).orElse(null));
  }

  @PutMapping
  ScheduleView put(@PathVariable UUID id, @RequestBody @NotNull ScheduleRequest request) {
    ServerSchedule saved =
        schedules.put(
            id,
            new ScheduleCommand(
                Boolean.TRUE.equals(request.autoStart()),
                Boolean.TRUE.equals(request.autoStop()),
                request.startTime(),
                request.stopTime(),
                request.timezone(),
                weekdays(request.weekdays())));
    return ScheduleView.of(saved, schedules.nextAction(id).orElse(null));
  }

  @DeleteMapping
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable UUID id) {
    schedules.delete(id);
  }

  /** When the server is scheduled to be up in the week that starts on {@code start} (a Monday). */
  @GetMapping("/week")
  List<UpTime> week(
      @PathVariable UUID id,
      @RequestParam(required = false) @Nullable @DateTimeFormat(iso = DateTimeFormat.ISO.DATE)
          LocalDate start) {
    if (start != null && (start.isBefore(FIRST_WEEK) || start.isAfter(LAST_WEEK))) {
      throw ApiException.invalidField(
          "start", "must be a date between " + FIRST_WEEK + " and " + LAST_WEEK);
    }
    ZoneId zone = schedules.get(id).map(ServerSchedule::timezone).orElse(ZoneId.of("UTC"));
    LocalDate monday =
        start != null
            ? start
            : LocalDate.now(zone).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
    return schedules.weekView(id, monday);
  }

  /** Days given twice are a mistake (of a client building the list), not a wish: refused. */
  private static @Nullable Set<Integer> weekdays(@Nullable List<Integer> days) {
    if (days == null) {
      return null;
    }
    Set<Integer> distinct = new java.util.LinkedHashSet<>();
    for (Integer day : days) {
      if (day != null && !distinct.add(day)) {
        throw ApiException.invalidField("weekdays", "must not repeat a day (" + day + " twice)");
      }
    }
    return distinct;
  }

  /** Times as {@code "HH:mm"}, timezone as an IANA id, weekdays 1 = Monday … 7 = Sunday. */
  record ScheduleRequest(
      @Nullable Boolean autoStart,
      @Nullable Boolean autoStop,
      @Nullable LocalTime startTime,
      @Nullable LocalTime stopTime,
      @Nullable String timezone,
      @Nullable List<Integer> weekdays) {}

  record ScheduleView(
      UUID serverId,
      boolean autoStart,
      boolean autoStop,
      @Nullable String startTime,
      @Nullable String stopTime,
      String timezone,
      List<Integer> weekdays,
      @Nullable NextActionView nextAction,
      Instant updatedAt) {

    static ScheduleView of(ServerSchedule s, @Nullable NextAction next) {
      return new ScheduleView(
          s.serverId(),
          s.autoStart(),
          s.autoStop(),
          s.startTime() == null ? null : s.startTime().toString(),
          s.stopTime() == null ? null : s.stopTime().toString(),
          s.timezone().getId(),
          s.weekdays().stream().map(DayOfWeek::getValue).sorted().collect(Collectors.toList()),
          next == null ? null : new NextActionView(next.action().name(), next.scheduledTime()),
          s.updatedAt());
    }
  }

  record NextActionView(String action, Instant scheduledTime) {}
}
