package io.gpufleet.api.events;

import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Deletes numbered events past their retention. Every replica does it; a delete that another one
 * did first finds nothing, so no coordination is needed.
 */
@Component
class EventRetention {

  private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

  private final EventLog events;
  private final EventProperties settings;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "event-retention");
            t.setDaemon(true);
            return t;
          });

  EventRetention(EventLog events, EventProperties settings, Clock clock) {
    this.events = events;
    this.settings = settings;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long every = settings.pruneInterval().toMillis();
    timer.scheduleWithFixedDelay(this::prune, every, every, TimeUnit.MILLISECONDS);
  }

  /** Answers how many events went. */
  int prune() {
    try {
      int deleted = events.pruneBefore(clock.instant().minus(settings.retention()));
      if (deleted > 0) {
        log.debug("Pruned {} events older than {}", deleted, settings.retention());
      }
      return deleted;
    } catch (DataAccessException e) {
      log.warn("Pruning events failed: {}", e.getMessage());
      return 0;
    }
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
