package io.gpufleet.api.generations;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.api.workflows.WorkflowCatalog;
import io.gpufleet.api.workflows.WorkflowModel;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.comfy.ComfyClients;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Submits, reads, cancels and regenerates generations. A queued one is announced as {@link
 * GenerationQueued}; running it is the dispatcher's.
 */
@Service
public class GenerationService {

  public static final String GENERATION_NOT_FOUND = "GENERATION_NOT_FOUND";
  static final String PREVIEW_NOT_AVAILABLE = "PREVIEW_NOT_AVAILABLE";

  private final GenerationRepository generations;
  private final WorkflowCatalog workflows;
  private final FleetView fleet;
  private final ServerRepository servers;
  private final ComfyClients clients;
  private final SubmissionChecks checks;
  private final SubmissionWriter writer;
  private final GenerationEventBus bus;
  private final GenerationPreviews previews;
  private final GenerationProperties settings;
  private final TransactionTemplate transaction;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  GenerationService(
      GenerationRepository generations,
      WorkflowCatalog workflows,
      FleetView fleet,
      ServerRepository servers,
      ComfyClients clients,
      SubmissionChecks checks,
      SubmissionWriter writer,
      GenerationEventBus bus,
      GenerationPreviews previews,
      GenerationProperties settings,
      TransactionTemplate transaction,
      Clock clock) {
    this.generations = generations;
    this.workflows = workflows;
    this.fleet = fleet;
    this.servers = servers;
    this.clients = clients;
    this.checks = checks;
    this.writer = writer;
    this.bus = bus;
    this.previews = previews;
    this.settings = settings;
    this.transaction = transaction;
    this.clock = clock;
  }

  GenerationView submit(AuthenticatedUser user, CreateGeneration request) {
    WorkflowModel workflow =
        request.workflowId() == null
            ? workflows.defaultWorkflow()
            : workflows.get(request.workflowId());
    InputResolver.Resolved resolved = InputResolver.resolve(workflow, request.allInputs(), random);
    checks.require(user, request, resolved.snapshot());
    Generation g =
        new Generation(
            user.id(),
            new Generation.Request(
                workflow.id(),
                request.sessionId(),
                request.priority() == null ? 0 : request.priority(),
                request.serverId(),
                request.webhookUrl(),
                GenerationViews.JSON.writeValueAsString(request.allInputs()),
                resolved.snapshot().toJsonString(),
                resolved.seed(),
                settings.maxAttempts()),
            resolved.snapshot().executionOrder(null).size(),
            clock.instant());
    return queued(g, writer.write(g));
  }

  /**
   * A generation another feature asks for on the caller's behalf (an image task): the inputs keyed
   * node/field or by shortcut, on the workflow (or the default one), checked and queued as {@code
   * POST /generations} would.
   */
  public GenerationView submit(
      AuthenticatedUser user, @Nullable UUID workflowId, Map<String, JsonNode> inputs) {
    return submit(
        user,
        new CreateGeneration(
            workflowId,
            inputs,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  /** The caller's generation (any for admins) as the API shows it, or 404. */
  public GenerationView get(AuthenticatedUser user, UUID id) {
    return view(find(user, id));
  }

  /** The caller's generation (any for admins), or 404. */
  public Generation find(AuthenticatedUser user, UUID id) {
    return generations
        .findById(id)
        .filter(g -> user.isAdmin() || g.getUserId().equals(user.id()))
        .orElseThrow(() -> ApiException.notFound(GENERATION_NOT_FOUND, "No generation " + id));
  }

  /** A generation just queued, at {@code position}, as the 202 shows it. */
  private GenerationView queued(Generation g, long position) {
    return GenerationViews.of(g, position, etaFrom(position));
  }

  private long etaFrom(long position) {
    long capacity = Math.max(1, fleet.recent().size());
    return Math.round((position / capacity + 1) * meanRunSeconds());
  }

  /** As the API shows it: with its place in the queue and an estimate of when it is done. */
  public GenerationView view(Generation g) {
    Long position = null;
    Long eta = null;
    double mean = meanRunSeconds();
    if (g.getStatus() == GenerationStatus.QUEUED) {
      position =
          generations.countQueuedAhead(g.getRequest().priority(), g.getTimings().createdAt());
      eta = etaFrom(position);
    } else if (g.getStatus() == GenerationStatus.RUNNING) {
      eta = Math.round(mean * (100 - g.getProgress().percent()) / 100.0);
    }
    return GenerationViews.of(g, position, eta);
  }

  /** The mean of recent runs, for estimates: read again at most every few seconds. */
  private double meanRunSeconds() {
    MeanRun last = meanRun;
    long nanos = System.nanoTime();
    if (last == null || nanos - last.takenAt() > MEAN_RUN_TTL.toNanos()) {
      last = new MeanRun(generations.meanRunSeconds(), nanos);
      meanRun = last;
    }
    return last.seconds();
  }

  private static final java.time.Duration MEAN_RUN_TTL = java.time.Duration.ofSeconds(5);

  private record MeanRun(double seconds, long takenAt) {}

  private volatile @Nullable MeanRun meanRun;

  /** The latest preview of a running generation, if one has come. */
  GenerationPreviews.Preview preview(AuthenticatedUser user, UUID id) {
    find(user, id);
    return previews
        .find(id)
        .orElseThrow(
            () ->
                ApiException.notFound(
                    PREVIEW_NOT_AVAILABLE, "Generation " + id + " has no preview (yet)"));
  }

  /** Queued: cancelled at once. Running: interrupted on its server, then cancelled. */
  public GenerationView cancel(AuthenticatedUser user, UUID id) {
    find(user, id);
    Generation g =
        transaction.execute(
            s -> {
              Generation locked = generations.lockById(id).orElseThrow();
              if (locked.getStatus().isFinal()) {
                throw ApiException.conflict(
                    ErrorCodes.CONFLICT, "The generation is already " + locked.getStatus());
              }
              if (locked.getOutputsPending() > 0) {
                throw ApiException.conflict(
                    ErrorCodes.CONFLICT,
                    "The generation has finished; its outputs are being stored");
              }
              locked.cancel(clock.instant());
              return locked;
            });
    UUID prompt = g.getAttempt().promptId();
    UUID serverId = g.getAttempt().serverId();
    if (prompt != null && serverId != null) {
      servers
          .findById(serverId)
          .filter(s -> s.getAddresses().comfyUrl() != null)
          .ifPresent(
              s -> {
                try {
                  var client = clients.forServer(s);
                  client.deleteFromQueue(List.of(prompt.toString()));
                  client.interrupt(prompt.toString());
                } catch (RuntimeException e) {
                  // the server is gone: nothing runs there any more
                }
              });
    }
    previews.delete(id);
    bus.publish(GenerationEvent.status(id, "CANCELLED"));
    return view(g);
  }

  /** The same snapshot again with a new seed, as a new generation. */
  public GenerationView regenerate(AuthenticatedUser user, UUID id) {
    Generation old = find(user, id);
    List<String> seedTargets =
        old.getRequest().workflowId() == null
            ? List.of()
            : workflows
                .get(old.getRequest().workflowId())
                .shortcuts()
                .getOrDefault("seed", List.of());
    InputResolver.Resolved resolved =
        InputResolver.reseed(Workflow.parse(old.getRequest().snapshot()), seedTargets, random);
    Generation g =
        new Generation(
            user.id(),
            new Generation.Request(
                old.getRequest().workflowId(),
                old.getRequest().sessionId(),
                old.getRequest().priority(),
                old.getRequest().pinnedServerId(),
                old.getRequest().webhookUrl(),
                old.getRequest().inputs(),
                resolved.snapshot().toJsonString(),
                resolved.seed() == null ? old.getRequest().seed() : resolved.seed(),
                settings.maxAttempts()),
            old.getProgress().totalNodes(),
            clock.instant());
    return queued(g, writer.write(g));
  }
}
