package io.gpufleet.api.generations;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.BatchingWriter;
import io.gpufleet.api.system.BatchingWriter.Item;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.persistence.generations.Generation;
import jakarta.annotation.PreDestroy;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.hibernate.Session;
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

  /** The most submissions one commit takes; more wait for the next. */
  static final int MAX_BATCH = 128;

  /** How long a caller waits for its commit before it is told the database is busy. */
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  private final EntityManager entities;
  private final JdbcTemplate jdbc;
  private final GenerationEventBus bus;
  private final ApplicationEventPublisher events;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final BatchingWriter<Generation, Long> writer;

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
    this.writer =
        new BatchingWriter<>(
            "generation-submit-writer", MAX_BATCH, PATIENCE, this::write, SubmissionWriter::busy);
  }

  /**
   * Queues the generation durably and answers its place in the queue (how many queued ones run
   * before it). Refused with 429 when its user already has the most queued generations allowed.
   */
  long write(Generation generation) {
    return writer.write(generation);
  }

  @PreDestroy
  void stop() {
    writer.close();
  }

  private static ApiException busy() {
    return new ApiException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCodes.DATABASE_BUSY,
        "The generation could not be stored in time; it was not queued, submit it again");
  }

  private void write(List<Item<Generation, Long>> batch) {
    Map<Item<Generation, Long>, Object> outcomes;
    try {
      outcomes = transaction.execute(status -> insert(batch));
    } catch (DataIntegrityViolationException e) {
      if (batch.size() == 1) {
        batch.get(0).outcome().completeExceptionally(e);
        return;
      }
      // one submission the database refuses must not refuse the others with it
      batch.forEach(p -> write(List.of(p)));
      return;
    } catch (RuntimeException e) {
      batch.forEach(p -> p.outcome().completeExceptionally(e));
      return;
    }
    boolean queued = false;
    for (Map.Entry<Item<Generation, Long>, Object> outcome : outcomes.entrySet()) {
      if (outcome.getValue() instanceof Long position) {
        outcome.getKey().outcome().complete(position);
        queued = true;
      } else {
        outcome.getKey().outcome().completeExceptionally((RuntimeException) outcome.getValue());
      }
    }
    if (queued) {
      // one wake for the batch: the dispatcher's pass looks at the whole queue anyway
      events.publishEvent(new GenerationQueued(batch.get(0).input().getId()));
    }
  }

  /** In one transaction: each submission's position, or why it was refused. */
  private Map<Item<Generation, Long>, Object> insert(List<Item<Generation, Long>> batch) {
    Map<Item<Generation, Long>, Object> outcomes = new HashMap<>();
    Map<UUID, Long> queuedOf = queuedCounts(batch);
    List<Item<Generation, Long>> accepted = new ArrayList<>();
    for (Item<Generation, Long> p : batch) {
      UUID user = p.input().getUserId();
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
    for (Item<Generation, Long> p : accepted) {
      entities.persist(p.input());
    }
    entities.flush();
    bus.publishAll(
        accepted.stream().map(p -> GenerationEvent.status(p.input().getId(), "QUEUED")).toList());
    positions(accepted, outcomes);
    return outcomes;
  }

  /**
   * Each user's queued generations, counted only up to the cap (a user at the cap is refused,
   * however far past it), in one statement for the batch.
   */
  private Map<UUID, Long> queuedCounts(List<Item<Generation, Long>> batch) {
    Set<UUID> users = new LinkedHashSet<>();
    batch.forEach(p -> users.add(p.input().getUserId()));
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
  private void positions(
      List<Item<Generation, Long>> accepted, Map<Item<Generation, Long>, Object> outcomes) {
    Map<Integer, List<Item<Generation, Long>>> byPriority = new HashMap<>();
    for (Item<Generation, Long> p : accepted) {
      byPriority.computeIfAbsent(p.input().getRequest().priority(), k -> new ArrayList<>()).add(p);
    }
    for (Map.Entry<Integer, List<Item<Generation, Long>>> group : byPriority.entrySet()) {
      List<Item<Generation, Long>> members = group.getValue();
      int priority = group.getKey();
      Object[] created = new Object[members.size()];
      OffsetDateTime earliest = null;
      for (int i = 0; i < created.length; i++) {
        OffsetDateTime at =
            members.get(i).input().getTimings().createdAt().atOffset(ZoneOffset.UTC);
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
