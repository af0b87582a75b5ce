package io.gpufleet.api.generations;

import io.gpufleet.api.results.ResultStore;
import io.gpufleet.api.results.ResultStores;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves the outputs kept on the local disk (stored before the object store was configured) to the
 * configured store, generation by generation: each is locked ({@code FOR UPDATE SKIP LOCKED}, so
 * replicas moving at once share the work and retention never expires one mid-move), its local files
 * are uploaded with their checksums verified, the generation records the new store, and only after
 * that commits are the local files deleted. A store that goes down stops the move; nothing is lost,
 * and starting it again goes on where it stopped.
 */
@Component
class ResultMove {

  static final String RESULT_STORE_LOCAL = "RESULT_STORE_LOCAL";
  static final int BATCH = 20;

  /** Generations with an output on the local disk (no store recorded means local: older rows). */
  private static final String HOLDS_LOCAL =
      """
      g.outputs IS NOT NULL AND g.outputs_deleted_at IS NULL AND g.outputs_pending = 0
        AND jsonb_path_exists(g.outputs::jsonb, '$[*] ? (!(exists(@.store)) || @.store == "local")')
      """;

  private static final Logger log = LoggerFactory.getLogger(ResultMove.class);

  /**
   * This replica's latest move.
   *
   * @param state {@code RUNNING}, {@code DONE}, or {@code FAILED} (the store went down; start it
   *     again to go on)
   * @param generations how many generations it moved
   * @param outputs how many files it moved
   * @param missing outputs recorded as local whose file was not on this replica's disk (left as
   *     they are)
   */
  record Progress(
      String state,
      String to,
      int generations,
      int outputs,
      int missing,
      @Nullable String error,
      Instant startedAt,
      @Nullable Instant finishedAt) {

    Progress moved(int files, int notFound) {
      return new Progress(
          state, to, generations + 1, outputs + files, missing + notFound, error, startedAt, null);
    }

    Progress ended(@Nullable String why, Instant at) {
      return new Progress(
          why == null ? "DONE" : "FAILED", to, generations, outputs, missing, why, startedAt, at);
    }

    boolean running() {
      return "RUNNING".equals(state);
    }
  }

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final GenerationRepository generations;
  private final ResultStores stores;
  private final Clock clock;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "result-move");
            t.setDaemon(true);
            return t;
          });

  private volatile @Nullable Progress latest;

  ResultMove(
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      GenerationRepository generations,
      ResultStores stores,
      Clock clock) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.generations = generations;
    this.stores = stores;
    this.clock = clock;
  }

  /** Starts a move on this replica, or answers the one that runs. */
  synchronized Progress start() {
    if (stores.primaryIsLocal()) {
      throw ApiException.conflict(
          RESULT_STORE_LOCAL,
          "Results are kept on the local disk (gpufleet.results.store=local): configure an object"
              + " store to move them to first");
    }
    Progress now = latest;
    if (now != null && now.running()) {
      return now;
    }
    Progress started =
        new Progress("RUNNING", stores.primary().kind(), 0, 0, 0, null, clock.instant(), null);
    latest = started;
    worker.execute(() -> run(started));
    return started;
  }

  @Nullable Progress latest() {
    return latest;
  }

  /** Generations whose outputs are still on the local disk, on every replica's count. */
  long remaining() {
    Long n =
        jdbc.queryForObject("SELECT count(*) FROM generations g WHERE " + HOLDS_LOCAL, Long.class);
    return n == null ? 0 : n;
  }

  private void run(Progress started) {
    Progress progress = started;
    UUID after = new UUID(0, 0);
    String failure = null;
    try {
      while (true) {
        UUID from = after;
        List<Moved> batch = transaction.execute(status -> moveBatch(from));
        if (batch == null || batch.isEmpty()) {
          break;
        }
        for (Moved m : batch) {
          // the generation names the new store now: the local copies are only copies
          m.moved().forEach(o -> deleteLocal(m.generation(), o));
          progress = progress.moved(m.moved().size(), m.missing());
          latest = progress;
          after = m.generation();
        }
        if (batch.size() < BATCH) {
          break;
        }
      }
    } catch (ResultStore.StoreUnavailable e) {
      failure =
          "The " + stores.primary().kind() + " store did not take an output: " + e.getMessage();
      log.warn("Moving results stopped: {}", failure);
    } catch (RuntimeException e) {
      failure = e.toString();
      log.warn("Moving results failed", e);
    }
    Progress done = progress.ended(failure, clock.instant());
    latest = done;
    log.info(
        "Moving results to {}: {} ({} generation(s), {} file(s), {} missing)",
        done.to(),
        done.state(),
        done.generations(),
        done.outputs(),
        done.missing());
  }

  private record Moved(UUID generation, List<StoredOutput> moved, int missing) {}

  /** One batch in one transaction: a store that fails rolls the whole batch back, files stay. */
  private List<Moved> moveBatch(UUID after) {
    List<UUID> ids =
        jdbc.queryForList(
            "SELECT g.id FROM generations g WHERE "
                + HOLDS_LOCAL
                + " AND g.id > ? ORDER BY g.id LIMIT ? FOR UPDATE SKIP LOCKED",
            UUID.class,
            after,
            BATCH);
    List<Moved> done = new ArrayList<>();
    for (UUID id : ids) {
      Generation g = generations.findById(id).orElse(null);
      if (g == null) {
        continue;
      }
      List<StoredOutput> outputs = new ArrayList<>();
      List<StoredOutput> moved = new ArrayList<>();
      int missing = 0;
      for (StoredOutput o : GenerationViews.outputs(g)) {
        if (!"local".equals(o.storeName())) {
          outputs.add(o);
          continue;
        }
        var copy = stores.copyToPrimary(id, o);
        if (copy.isPresent()) {
          outputs.add(copy.get());
          moved.add(o);
        } else {
          outputs.add(o);
          missing++;
        }
      }
      if (!moved.isEmpty()) {
        g.outputsMoved(GenerationViews.JSON.writeValueAsString(outputs));
        generations.save(g);
      }
      done.add(new Moved(id, moved, missing));
    }
    return done;
  }

  private void deleteLocal(UUID generation, StoredOutput output) {
    try {
      stores.deleteLocalCopy(generation, output);
    } catch (RuntimeException e) {
      log.warn(
          "Output {} of {} is in the {} store now, but its local copy stays: {}",
          output.index(),
          generation,
          stores.primary().kind(),
          e.toString());
    }
  }

  @PreDestroy
  void stop() {
    worker.shutdownNow();
  }
}
