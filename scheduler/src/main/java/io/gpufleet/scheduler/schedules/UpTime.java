package io.gpufleet.scheduler.schedules;

import java.time.Instant;

/** An interval in which the schedule keeps a server up: from inclusive, to exclusive. */
public record UpTime(Instant from, Instant to) {

  public UpTime {
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException(
          "An up time must end after it starts: " + from + ", " + to);
    }
  }
}
