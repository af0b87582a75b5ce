package io.gpufleet.api.events;

import com.zaxxer.hikari.HikariDataSource;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This replica's ear on {@code LISTEN gpufleet_events}: one connection of its own (outside the
 * pool, which must not lose a connection for good), read by a daemon thread, reopened after any
 * failure. Once it listens again it replays from {@code generation_events} what was stored while it
 * was away, so its subscribers miss nothing that was published.
 */
@Component
class PgEventChannel {

  private static final Logger log = LoggerFactory.getLogger(PgEventChannel.class);
  private static final int POLL_MILLIS = 500;
  private static final long RETRY_MILLIS = 1_000;

  private final DataSource dataSource;
  private final GenerationEventBus bus;
  private volatile boolean running = true;
  private volatile boolean listening;
  private volatile int reconnects;
  private boolean listenedBefore;
  private @Nullable Thread thread;

  PgEventChannel(DataSource dataSource, GenerationEventBus bus) {
    this.dataSource = dataSource;
    this.bus = bus;
  }

  @EventListener(ApplicationReadyEvent.class)
  synchronized void start() {
    if (thread != null) {
      return;
    }
    Thread t = new Thread(this::loop, "generation-events-listener");
    t.setDaemon(true);
    t.start();
    thread = t;
  }

  /** True while a LISTEN connection is open (tests wait for it). */
  boolean listening() {
    return listening;
  }

  /** How often the connection was opened again after a failure. */
  int reconnects() {
    return reconnects;
  }

  private void loop() {
    while (running) {
      try (Connection connection = open()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + GenerationEventBus.CHANNEL);
        }
        PGConnection pg = connection.unwrap(PGConnection.class);
        // LISTEN comes first: whatever commits from now on is heard, what came before is replayed
        if (listenedBefore) {
          int replayed = bus.replayMissed();
          reconnects++;
          log.info("Listening to generation events again; replayed {} missed", replayed);
        } else {
          bus.listeningFromNow();
          listenedBefore = true;
        }
        listening = true;
        while (running) {
          PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
          if (notifications == null) {
            continue;
          }
          for (PGNotification n : notifications) {
            bus.heard(n.getParameter());
          }
        }
      } catch (SQLException | RuntimeException e) {
        listening = false;
        if (running) {
          log.warn("Listening to generation events failed, reconnecting: {}", e.getMessage());
          pause();
        }
      } finally {
        listening = false;
      }
    }
  }

  private Connection open() throws SQLException {
    if (dataSource instanceof HikariDataSource) {
      HikariDataSource hikari = (HikariDataSource) dataSource;
      if (hikari.getJdbcUrl() != null) {
        Connection c =
            DriverManager.getConnection(
                hikari.getJdbcUrl(), hikari.getUsername(), hikari.getPassword());
        c.setAutoCommit(true);
        return c;
      }
    }
    return dataSource.getConnection();
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @PreDestroy
  synchronized void stop() {
    running = false;
    Thread t = thread;
    if (t != null) {
      t.interrupt();
      try {
        t.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
