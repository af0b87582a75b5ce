package io.gpufleet.scheduler.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScheduleValidatorTest {

  private static final LocalTime EIGHT = LocalTime.of(8, 0);
  private static final LocalTime SIX_PM = LocalTime.of(18, 0);

  @Test
  void aWorkdayScheduleIsValid() {
    ScheduleValidator.Valid valid =
        ScheduleValidator.validate(
            new ScheduleCommand(true, true, EIGHT, SIX_PM, "Europe/Berlin", Set.of(1, 2, 3, 4, 5)));

    assertThat(valid.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(valid.weekdays())
        .containsExactly(
            DayOfWeek.MONDAY,
            DayOfWeek.TUESDAY,
            DayOfWeek.WEDNESDAY,
            DayOfWeek.THURSDAY,
            DayOfWeek.FRIDAY);
  }

  @Test
  void sevenIsSunday() {
    assertThat(
            ScheduleValidator.validate(
                    new ScheduleCommand(true, false, EIGHT, null, "UTC", Set.of(7)))
                .weekdays())
        .containsExactly(DayOfWeek.SUNDAY);
  }

  @Test
  void aSwitchedOffScheduleNeedsNoDaysNorTimes() {
    assertThat(
            ScheduleValidator.validate(new ScheduleCommand(false, false, null, null, "UTC", null))
                .weekdays())
        .isEmpty();
  }

  @Test
  void anOvernightWindowIsValid() {
    ScheduleValidator.validate(
        new ScheduleCommand(
            true, true, LocalTime.of(22, 0), LocalTime.of(6, 0), "Asia/Tokyo", Set.of(5)));
  }

  @Nested
  class Rejects {

    @Test
    void anUnknownTimezone() {
      assertThat(errors(new ScheduleCommand(true, true, EIGHT, SIX_PM, "Mars/Olympus", Set.of(1))))
          .containsOnlyKeys("timezone");
    }

    @Test
    void aFixedOffsetThatWouldIgnoreDaylightSavingTime() {
      assertThat(errors(new ScheduleCommand(true, true, EIGHT, SIX_PM, "+02:00", Set.of(1))))
          .containsOnlyKeys("timezone");
    }

    @Test
    void aMissingTimezone() {
      assertThat(errors(new ScheduleCommand(false, false, null, null, null, null)))
          .containsOnlyKeys("timezone");
    }

    @Test
    void weekdaysOutsideOneToSeven() {
      assertThat(errors(new ScheduleCommand(true, true, EIGHT, SIX_PM, "UTC", Set.of(0, 3))))
          .containsOnlyKeys("weekdays");
      assertThat(errors(new ScheduleCommand(true, true, EIGHT, SIX_PM, "UTC", Set.of(8))))
          .containsOnlyKeys("weekdays");
    }

    @Test
    void noWeekdaysWhenItStartsOrStops() {
      assertThat(errors(new ScheduleCommand(false, true, null, SIX_PM, "UTC", Set.of())))
          .containsOnlyKeys("weekdays");
      assertThat(errors(new ScheduleCommand(true, false, EIGHT, null, "UTC", null)))
          .containsOnlyKeys("weekdays");
    }

    @Test
    void aMissingTimeForAFlagThatIsOn() {
      assertThat(errors(new ScheduleCommand(true, true, null, null, "UTC", Set.of(1))))
          .containsOnlyKeys("startTime", "stopTime");
    }

    @Test
    void aStopAtTheStartMinute() {
      assertThat(
              errors(
                  new ScheduleCommand(true, true, EIGHT, LocalTime.of(8, 0, 30), "UTC", Set.of(1))))
          .containsEntry("stopTime", "must differ from startTime");
    }

    @Test
    void everyWrongFieldAtOnce() {
      assertThat(errors(new ScheduleCommand(true, true, null, null, "Nowhere", Set.of())))
          .containsOnlyKeys("timezone", "weekdays", "startTime", "stopTime");
    }

    private Map<String, String> errors(ScheduleCommand cmd) {
      try {
        ScheduleValidator.validate(cmd);
      } catch (ScheduleInvalidException e) {
        assertThat(e.fieldErrors().values()).allSatisfy(m -> assertThat(m).isNotBlank());
        return e.fieldErrors();
      }
      throw new AssertionError("valid: " + cmd);
    }
  }

  @Test
  void anExceptionWithoutFieldErrorsIsAMistake() {
    assertThatThrownBy(() -> new ScheduleInvalidException(Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
