package io.gpufleet.scheduler.schedules;

import java.time.Instant;

/** The next thing a server's schedule will do, as Quartz's triggers have it. */
public record NextAction(Action action, Instant scheduledTime) {

  public enum Action {
    START,
    STOP
  }
}
