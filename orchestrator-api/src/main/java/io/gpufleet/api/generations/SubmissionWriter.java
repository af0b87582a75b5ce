package io.gpufleet.api.generations;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.persistence.generations.Generation;
import jakarta.annotation.PreDestroy;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hibernate.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Commits new generations in groups. A 202 means the generation is in PostgreSQL, and the commit
 * that makes it so waits for the WAL to reach the disk; because its QUEUED event is notified, it
 * also holds PostgreSQL's lock on the notification queue until that flush is done, so notifying
 * commits go one at a time. With a commit per submission the platform accepted no more submissions
 * a second than the disk has flushes. So the HTTP threads hand their generation to one writer,
 * which takes whatever has gathered meanwhile, checks each user's room in the queue, inserts the
 * rows and their events and commits once; every caller is answered after the commit that holds its
 * row, with its place in the queue.
 */
@Component
class SubmissionWriter {

  private static final Logger log = LoggerFactory.getLogger(SubmissionWriter.class);

  /** The most submissions one commit takes; more wait for the next. */
  static final int MAX_BATCH = 128;

  /** How long a caller waits for its commit before it is told the database is busy. */
  private static final long WAIT_SECONDS = 60;

  private final EntityManager entities;
  private final JdbcTemplate jdbc;
  private final GenerationEventBus bus;
  private final ApplicationEventPublisher events;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile boolean running = true;

  private record Pending(Generation generation, CompletableFuture<Long> position) {}

  SubmissionWriter(
      EntityManager entities,
      JdbcTemplate jdbc,
      GenerationEventBus bus,
      ApplicationEventPublisher events,
      GenerationProperties settings,
      TransactionTemplate transaction) {
    this.entities = entities;
    this.jdbc = jdbc;
    this.bus = bus;
    this.events = events;
    this.settings = settings;
    this.transaction = transaction;
    this.writer = new Thread(this::run, "generation-submit-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues the generation durably and answers its place in the queue (how many queued ones run
   * before it). Refused with 429 when its user already has the most queued generations allowed.
   */
  long write(Generation generation) {
    Pending p = new Pending(generation, new CompletableFuture<>());
    if (!running) {
      throw busy();
    }
    pending.add(p);
    try {
      return p.position().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw busy();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    }
  }

  @PreDestroy
  void stop() {
    running = false;
    writer.interrupt();
    List<Pending> left = new ArrayList<>();
    pending.drainTo(left);
    left.forEach(p -> p.position().completeExceptionally(busy()));
  }

  private static ApiException busy() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCodes.DATABASE_BUSY,
        "The generation could not be stored in time; it was not queued, submit it again");
  }

  private void run() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    while (running) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch, MAX_BATCH - 1);
        write(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException | Error e) {
        log.warn("Storing {} submissions failed: {}", batch.size(), e.toString());
        batch.forEach(p -> p.position().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void write(List<Pending> batch) {
    Map<Pending, Object> outcomes;
    try {
      outcomes = transaction.execute(status -> insert(batch));
    } catch (DataIntegrityViolationException e) {
      if (batch.size() == 1) {
        batch.get(0).position().completeExceptionally(e);
        return;
      }
      // one submission the database refuses must not refuse the others with it
      batch.forEach(p -> write(List.of(p)));
      return;
    } catch (RuntimeException e) {
      batch.forEach(p -> p.position().completeExceptionally(e));
      return;
    }
    boolean queued = false;
    for (Map.Entry<Pending, Object> outcome : outcomes.entrySet()) {
      if (outcome.getValue() instanceof Long position) {
        outcome.getKey().position().complete(position);
        queued = true;
      } else {
        outcome.getKey().position().completeExceptionally((RuntimeException) outcome.getValue());
      }
    }
    if (queued) {
      // one wake for the batch: the dispatcher's pass looks at the whole queue anyway
      events.publishEvent(new GenerationQueued(batch.get(0).generation().getId()));
    }
  }

  /** In one transaction: each submission's position, or why it was refused. */
  private Map<Pending, Object> insert(List<Pending> batch) {
    Map<Pending, Object> outcomes = new HashMap<>();
    Map<UUID, Long> queuedOf = queuedCounts(batch);
    List<Pending> accepted = new ArrayList<>();
    for (Pending p : batch) {
      UUID user = p.generation().getUserId();
      long queued = queuedOf.merge(user, 1L, Long::sum) - 1;
      if (queued >= settings.maxQueuedPerUser()) {
        outcomes.put(p, SubmissionChecks.queueFull(settings.maxQueuedPerUser()));
      } else {
        accepted.add(p);
      }
    }
    if (accepted.isEmpty()) {
      return outcomes;
    }
    entities.unwrap(Session.class).setJdbcBatchSize(accepted.size());
    for (Pending p : accepted) {
      entities.persist(p.generation());
    }
    entities.flush();
    bus.publishAll(
        accepted.stream()
            .map(p -> GenerationEvent.status(p.generation().getId(), "QUEUED"))
            .toList());
    positions(accepted, outcomes);
    return outcomes;
  }

  /**
   * Each user's queued generations, counted only up to the cap (a user at the cap is refused,
   * however far past it), in one statement for the batch.
   */
  private Map<UUID, Long> queuedCounts(List<Pending> batch) {
    Set<UUID> users = new LinkedHashSet<>();
    batch.forEach(p -> users.add(p.generation().getUserId()));
    Map<UUID, Long> counts = new HashMap<>();
    jdbc.query(
        "SELECT u.id, (SELECT count(*) FROM (SELECT 1 FROM generations g"
            + " WHERE g.user_id = u.id AND g.status = 'QUEUED' LIMIT ?) q)"
            + " FROM unnest(?::uuid[]) AS u(id)",
        ps -> {
          ps.setInt(1, settings.maxQueuedPerUser());
          ps.setArray(2, ps.getConnection().createArrayOf("uuid", users.toArray()));
        },
        rs -> {
          counts.put(rs.getObject(1, UUID.class), rs.getLong(2));
        });
    return counts;
  }

  /**
   * Places in the queue, as {@code GET} counts them (the queued ones of a higher priority, or of
   * the same one created earlier), in one statement per priority of the batch: one count up to its
   * earliest member, then for each member the few created between that one and it.
   */
  private void positions(List<Pending> accepted, Map<Pending, Object> outcomes) {
    Map<Integer, List<Pending>> byPriority = new HashMap<>();
    for (Pending p : accepted) {
      byPriority
          .computeIfAbsent(p.generation().getRequest().priority(), k -> new ArrayList<>())
          .add(p);
    }
    for (Map.Entry<Integer, List<Pending>> group : byPriority.entrySet()) {
      List<Pending> members = group.getValue();
      int priority = group.getKey();
      Object[] created = new Object[members.size()];
      OffsetDateTime earliest = null;
      for (int i = 0; i < created.length; i++) {
        OffsetDateTime at =
            members.get(i).generation().getTimings().createdAt().atOffset(ZoneOffset.UTC);
        created[i] = at;
        earliest = earliest == null || at.isBefore(earliest) ? at : earliest;
      }
      OffsetDateTime from = earliest;
      jdbc.query(
          "WITH base AS (SELECT count(*) AS n FROM generations WHERE status = 'QUEUED'"
              + " AND (priority > ? OR (priority = ? AND created_at < ?)))"
              + " SELECT b.i, base.n + (SELECT count(*) FROM generations g"
              + " WHERE g.status = 'QUEUED' AND g.priority = ?"
              + " AND g.created_at >= ? AND g.created_at < b.at)"
              + " FROM base, unnest(?::timestamptz[]) WITH ORDINALITY AS b(at, i)",
          ps -> {
            ps.setInt(1, priority);
            ps.setInt(2, priority);
            ps.setObject(3, from);
            ps.setInt(4, priority);
            ps.setObject(5, from);
            ps.setArray(6, ps.getConnection().createArrayOf("timestamptz", created));
          },
          rs -> {
            outcomes.put(members.get(rs.getInt(1) - 1), rs.getLong(2));
          });
    }
  }
}
