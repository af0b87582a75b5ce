package io.gpufleet.api.dispatch;

import io.gpufleet.api.generations.GenerationPreviews;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.scheduler.accounting.FleetSpend;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The state changes of a running attempt, each in its own transaction under the row lock. Every
 * change names the prompt it is about, so a late event of an earlier attempt changes nothing.
 */
@Component
class GenerationTransitions {

  private static final Logger log = LoggerFactory.getLogger(GenerationTransitions.class);

  private final GenerationRepository generations;
  private final ServerLifecycle lifecycle;
  private final FleetSpend spend;
  private final GenerationPreviews previews;
  private final Clock clock;

  GenerationTransitions(
      GenerationRepository generations,
      ServerLifecycle lifecycle,
      FleetSpend spend,
      GenerationPreviews previews,
      Clock clock) {
    this.generations = generations;
    this.previews = previews;
    this.spend = spend;
    this.lifecycle = lifecycle;
    this.clock = clock;
  }

  @Transactional
  public boolean submitted(UUID id, UUID prompt) {
    return current(id, prompt)
        .map(
            g -> {
              g.markSubmitted(clock.instant());
              return true;
            })
        .orElse(false);
  }

  /** Its server began to run it: its GPU time (and cost) count from here, not from dispatch. */
  @Transactional
  public void started(UUID id, UUID prompt) {
    current(id, prompt).ifPresent(g -> g.started(clock.instant()));
  }

  @Transactional
  public void progress(UUID id, UUID prompt, Generation.Progress progress) {
    current(id, prompt).ifPresent(g -> g.recordProgress(progress, clock.instant()));
  }

  @Transactional
  public boolean complete(UUID id, UUID prompt, String outputs) {
    Optional<Generation> g = current(id, prompt);
    g.ifPresent(
        gen -> {
          gen.complete(outputs, clock.instant());
          recordCost(gen);
          previews.delete(id);
        });
    return g.isPresent();
  }

  /** The run ended but some outputs wait in the spool: it stays RUNNING and shows them. */
  @Transactional
  public void spooled(UUID id, UUID prompt, String outputs, int pending) {
    current(id, prompt).ifPresent(g -> g.spooled(outputs, pending, clock.instant()));
  }

  /**
   * The attempt failed. A retriable failure goes back to the queue while attempts remain; the
   * answer is the status it ends in, or empty if the attempt was no longer current.
   */
  @Transactional
  public Optional<GenerationStatus> failed(
      UUID id,
      UUID prompt,
      Generation.Failure failure,
      boolean retriable,
      @Nullable UUID avoid,
      @Nullable Long minVram) {
    return current(id, prompt)
        .map(
            g -> {
              if (retriable && g.getAttempt().number() < g.getRequest().maxAttempts()) {
                log.info(
                    "Generation {} attempt {} failed ({}); queued again",
                    id,
                    g.getAttempt().number(),
                    failure.message());
                g.requeue(failure, avoid, minVram, clock.instant());
              } else {
                log.info("Generation {} failed: {}", id, failure.message());
                g.fail(failure, clock.instant());
                recordCost(g);
                previews.delete(id);
              }
              return g.getStatus();
            });
  }

  /** Its GPU seconds (start to end of the run) at its server's rate then. */
  private void recordCost(Generation g) {
    Instant started = g.getTimings().startedAt();
    Instant finished = g.getTimings().finishedAt();
    UUID server = g.getAttempt().serverId();
    if (started == null || finished == null || server == null) {
      return;
    }
    double seconds = Math.max(0, Duration.between(started, finished).toMillis() / 1000.0);
    g.recordCost(seconds, spend.costOf(server, seconds, started));
  }

  /** Best effort, outside any generation transaction: a busy server row must not undo a run. */
  void activity(@Nullable UUID server) {
    if (server == null) {
      return;
    }
    try {
      lifecycle.recordActivity(server, clock.instant());
    } catch (RuntimeException e) {
      log.debug("Could not record activity on server {}: {}", server, e.toString());
    }
  }

  private Optional<Generation> current(UUID id, UUID prompt) {
    return generations
        .lockById(id)
        .filter(
            g ->
                g.getStatus() == GenerationStatus.RUNNING
                    && prompt.equals(g.getAttempt().promptId()));
  }
}
