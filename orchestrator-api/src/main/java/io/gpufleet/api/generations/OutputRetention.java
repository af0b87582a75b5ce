package io.gpufleet.api.generations;

import io.gpufleet.api.results.ResultProperties;
import io.gpufleet.api.results.ResultStore;
import io.gpufleet.api.results.ResultStores;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import jakarta.annotation.PreDestroy;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Retention of outputs: every {@code gpufleet.results.retention-interval}, the files of generations
 * that finished more than their owner's rule's days ago ({@link RetentionRules}, else the global
 * {@code retention-days}) are deleted from the store that holds them; the generation stays, its
 * output list too, stamped as expired. Every replica runs it: each batch is claimed with {@code FOR
 * UPDATE SKIP LOCKED}, so two replicas never expire the same generation at once, and a generation
 * is stamped only once its files are gone (a store that is down leaves the batch for the next run).
 */
@Component
class OutputRetention {

  private static final Logger log = LoggerFactory.getLogger(OutputRetention.class);
  static final int BATCH = 100;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final GenerationRepository generations;
  private final ResultStores stores;
  private final ResultProperties settings;
  private final RetentionRules rules;
  private final Clock clock;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "output-retention");
            t.setDaemon(true);
            return t;
          });

  OutputRetention(
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      GenerationRepository generations,
      ResultStores stores,
      ResultProperties settings,
      RetentionRules rules,
      Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.generations = generations;
    this.stores = stores;
    this.settings = settings;
    this.rules = rules;
    this.clock = clock;
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    // scheduled even when the global rule keeps everything: a user's own rule may not
    long every = settings.retentionInterval().toMillis();
    timer.scheduleWithFixedDelay(this::runGuarded, every, every, TimeUnit.MILLISECONDS);
  }

  private void runGuarded() {
    try {
      int expired = expire(clock.instant(), settings.retentionDays());
      if (expired > 0) {
        log.info(
            "Retention: deleted the outputs of {} generation(s) past their rule ({} days unless"
                + " their user's own rule says otherwise)",
            expired,
            settings.retentionDays());
      }
    } catch (RuntimeException e) {
      log.warn("Output retention failed (tried again next run): {}", e.toString());
    }
  }

  /**
   * Expires the outputs of generations that finished more days before {@code now} than their user's
   * rule says, or {@code globalDays} for users without one (0: keep). Answers how many generations
   * it expired.
   */
  int expire(Instant now, int globalDays) {
    int global = Math.max(0, globalDays);
    if (global == 0 && !rules.anyExpiring()) {
      return 0; // nothing anyone wants deleted: no scan
    }
    int total = 0;
    while (true) {
      Batch done = transaction.execute(status -> batch(now, global));
      if (done == null) {
        return total;
      }
      total += done.expired();
      if (done.expired() < done.claimed() || done.claimed() < BATCH) {
        return total; // the last batch, or the store is down: the rest waits for the next run
      }
    }
  }

  private record Batch(int claimed, int expired) {}

  private Batch batch(Instant now, int globalDays) {
    List<UUID> ids =
        jdbc.queryForList(
            """
            SELECT g.id FROM generations g
              LEFT JOIN result_retention r ON r.user_id = g.user_id
             WHERE g.outputs IS NOT NULL AND g.outputs_deleted_at IS NULL
               AND COALESCE(r.days, ?) > 0
               AND g.finished_at < ?::timestamptz - make_interval(days => COALESCE(r.days, ?))
             ORDER BY g.finished_at
             LIMIT ?
             FOR UPDATE OF g SKIP LOCKED
            """,
            UUID.class,
            globalDays,
            Timestamp.from(now),
            globalDays,
            BATCH);
    int expired = 0;
    for (UUID id : ids) {
      Generation g = generations.findById(id).orElse(null);
      if (g == null) {
        continue;
      }
      try {
        for (StoredOutput o : GenerationViews.outputs(g)) {
          stores.delete(id, o);
        }
      } catch (ResultStore.StoreUnavailable e) {
        // stamped only once its files are gone: it stays for the next run
        log.warn("Retention could not delete the outputs of {}: {}", id, e.getMessage());
        break;
      }
      g.outputsDeleted(g.getOutputs(), now);
      generations.save(g);
      expired++;
    }
    return new Batch(ids.size(), expired);
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
