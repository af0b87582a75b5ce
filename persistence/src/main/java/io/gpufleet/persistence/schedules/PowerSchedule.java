package io.gpufleet.persistence.schedules;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A server's power schedule as stored: wall-clock start and stop times in an IANA timezone on a set
 * of weekdays. Validation happens before it gets here; the entity only keeps the columns.
 */
@Entity
@Table(name = "server_schedules")
public class PowerSchedule {

  @Id
  @Column(name = "server_id")
  private UUID serverId;

  @Column(name = "auto_start", nullable = false)
  private boolean autoStart;

  @Column(name = "auto_stop", nullable = false)
  private boolean autoStop;

  @Column(name = "start_time")
  private @Nullable LocalTime startTime;

  @Column(name = "stop_time")
  private @Nullable LocalTime stopTime;

  @Column(nullable = false, length = 64)
  private String timezone;

  /** Seven characters '0' or '1', Monday first. */
  @Column(nullable = false, length = 7)
  private String weekdays;

  @Column(name = "created_at", nullable = false)
  private Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  private Instant updatedAt;

  @Version private long version;

  @SuppressWarnings("NullAway") // for JPA
  protected PowerSchedule() {}

  public PowerSchedule(UUID serverId, Instant now) {
    this.serverId = serverId;
    this.timezone = "UTC";
    this.weekdays = mask(EnumSet.noneOf(DayOfWeek.class));
    this.createdAt = now;
    this.updatedAt = now;
  }

  public void change(
      boolean autoStart,
      boolean autoStop,
      @Nullable LocalTime startTime,
      @Nullable LocalTime stopTime,
      String timezone,
      Set<DayOfWeek> weekdays,
      Instant now) {
    this.autoStart = autoStart;
    this.autoStop = autoStop;
    this.startTime = startTime;
    this.stopTime = stopTime;
    this.timezone = timezone;
    this.weekdays = mask(weekdays);
    this.updatedAt = now;
  }

  static String mask(Set<DayOfWeek> days) {
    StringBuilder mask = new StringBuilder(7);
    for (DayOfWeek day : DayOfWeek.values()) {
      mask.append(days.contains(day) ? '1' : '0');
    }
    return mask.toString();
  }

  public UUID getServerId() {
    return serverId;
  }

  public boolean isAutoStart() {
    return autoStart;
  }

  public boolean isAutoStop() {
    return autoStop;
  }

  public @Nullable LocalTime getStartTime() {
    return startTime;
  }

  public @Nullable LocalTime getStopTime() {
    return stopTime;
  }

  public String getTimezone() {
    return timezone;
  }

  /** The selected weekdays, Monday first. */
  public Set<DayOfWeek> getWeekdays() {
    EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      if (weekdays.charAt(day.getValue() - 1) == '1') {
        days.add(day);
      }
    }
    return Collections.unmodifiableSet(days);
  }

  public Instant getCreatedAt() {
    return createdAt;
  }

  public Instant getUpdatedAt() {
    return updatedAt;
  }
}
