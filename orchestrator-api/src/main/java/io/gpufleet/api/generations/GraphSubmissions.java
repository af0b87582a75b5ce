package io.gpufleet.api.generations;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Submits a raw API-format graph (a ComfyUI client's prompt) as a generation of the caller: no
 * stored workflow, the graph is the snapshot. It passes the same checks as {@code POST
 * /generations} (uploads, a fleet that can run it, room in the caller's queue) and then is queued,
 * dispatched, retried and costed like any other; the caller's rate limit is the entry point's.
 */
@Component
public class GraphSubmissions {

  /** The id a client chose is already a generation's. */
  public static final String GENERATION_ID_TAKEN = "GENERATION_ID_TAKEN";

  private final GenerationRepository generations;
  private final GenerationService service;
  private final SubmissionChecks checks;
  private final GenerationEventBus bus;
  private final ApplicationEventPublisher events;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final Clock clock;

  GraphSubmissions(
      GenerationRepository generations,
      GenerationService service,
      SubmissionChecks checks,
      GenerationEventBus bus,
      ApplicationEventPublisher events,
      GenerationProperties settings,
      TransactionTemplate transaction,
      Clock clock) {
    this.generations = generations;
    this.service = service;
    this.checks = checks;
    this.bus = bus;
    this.events = events;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
  }

  /** What to submit: the generation's id, the graph that runs, its priority and its origin. */
  public record GraphSubmission(UUID id, Workflow graph, int priority, String source) {}

  /**
   * Queues the graph; {@code alongside} runs in the transaction that inserts the generation (what
   * the entry point keeps beside it), so that no one hears of the generation before both exist.
   */
  public Generation submit(
      AuthenticatedUser user, GraphSubmission submission, Consumer<Generation> alongside) {
    checks.require(user, noOptions(), submission.graph());
    checks.requireRoomInQueue(user);
    if (generations.existsById(submission.id())) {
      throw taken(submission.id());
    }
    Generation g =
        new Generation(
            submission.id(),
            user.id(),
            new Generation.Request(
                null,
                null,
                submission.priority(),
                null,
                null,
                "{}",
                submission.graph().toJsonString(),
                null,
                settings.maxAttempts()),
            submission.source(),
            submission.graph().executionOrder(null).size(),
            clock.instant());
    try {
      transaction.executeWithoutResult(
          s -> {
            generations.saveAndFlush(g);
            alongside.accept(g);
          });
    } catch (DataIntegrityViolationException e) {
      throw taken(submission.id());
    }
    bus.publish(GenerationEvent.status(g.getId(), "QUEUED"));
    events.publishEvent(new GenerationQueued(g.getId()));
    return g;
  }

  /** Cancels the caller's generation as {@code POST /generations/{id}/cancel} does. */
  public void cancel(AuthenticatedUser user, UUID id) {
    service.cancel(user, id);
  }

  private static ApiException taken(UUID id) {
    return ApiException.conflict(GENERATION_ID_TAKEN, "The id " + id + " is already in use")
        .with("field", "prompt_id");
  }

  private static CreateGeneration noOptions() {
    return new CreateGeneration(
        null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null, null);
  }
}
