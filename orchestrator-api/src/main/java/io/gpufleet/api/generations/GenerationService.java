package io.gpufleet.api.generations;

import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.routing.RoutingPolicy;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.api.workflows.WorkflowCatalog;
import io.gpufleet.api.workflows.WorkflowImport;
import io.gpufleet.api.workflows.WorkflowModel;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.comfy.ComfyClients;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Submits, reads, cancels and regenerates generations. */
@Service
class GenerationService {

  static final String GENERATION_NOT_FOUND = "GENERATION_NOT_FOUND";
  static final String PREVIEW_NOT_AVAILABLE = "PREVIEW_NOT_AVAILABLE";

  private final GenerationRepository generations;
  private final WorkflowCatalog workflows;
  private final FleetView fleet;
  private final ServerRepository servers;
  private final ComfyClients clients;
  private final Dispatcher dispatcher;
  private final GenerationSessions sessions;
  private final UploadStore uploads;
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
      Dispatcher dispatcher,
      GenerationSessions sessions,
      UploadStore uploads,
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
    this.dispatcher = dispatcher;
    this.sessions = sessions;
    this.uploads = uploads;
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
    InputResolver.Resolved resolved = InputResolver.resolve(workflow, inputs(request), random);
    if (request.serverId() != null && servers.findById(request.serverId()).isEmpty()) {
      throw ApiException.invalidField("serverId", "no such server");
    }
    Webhooks.requireValidUrl(request.webhookUrl());
    if (request.sessionId() != null) {
      sessions.requireOwn(user, request.sessionId(), "sessionId");
    }
    uploads.requireOwn(user, resolved.snapshot());
    requireRunnable(resolved.snapshot(), request.serverId());
    if (generations.countByUserIdAndStatus(user.id(), GenerationStatus.QUEUED)
        >= settings.maxQueuedPerUser()) {
      throw new ApiException(
          HttpStatus.TOO_MANY_REQUESTS,
          ErrorCodes.RATE_LIMITED,
          "You have " + settings.maxQueuedPerUser() + " generations queued; wait for some to run");
    }
    Generation g =
        new Generation(
            user.id(),
            new Generation.Request(
                workflow.id(),
                request.sessionId(),
                request.priority() == null ? 0 : request.priority(),
                request.serverId(),
                request.webhookUrl(),
                GenerationViews.JSON.writeValueAsString(inputs(request)),
                resolved.snapshot().toJsonString(),
                resolved.seed(),
                settings.maxAttempts()),
            resolved.snapshot().executionOrder(null).size(),
            clock.instant());
    generations.saveAndFlush(g);
    bus.publish(GenerationEvent.status(g.getId(), "QUEUED"));
    dispatcher.wake();
    return view(g);
  }

  private void requireRunnable(Workflow snapshot, @Nullable UUID pinned) {
    RoutingPolicy.Need need =
        new RoutingPolicy.Need(
            Set.copyOf(WorkflowImport.nodeClasses(snapshot)),
            WorkflowImport.models(snapshot),
            pinned,
            null,
            null);
    List<RoutingPolicy.Candidate> candidates = fleet.candidates(pinned);
    Optional<String> reason = fleet.policy().unrunnable(need, candidates);
    if (reason.isPresent()) {
      throw new ApiException(
              HttpStatus.BAD_REQUEST,
              ErrorCodes.INSUFFICIENT_RESOURCES,
              "No server of the fleet can run this workflow: " + reason.get())
          .with("reason", reason.get());
    }
    if (pinned != null
        && fleet.policy().route(need, candidates) instanceof RoutingPolicy.Route.Impossible) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          ErrorCodes.INSUFFICIENT_RESOURCES,
          ((RoutingPolicy.Route.Impossible) fleet.policy().route(need, candidates)).reason());
    }
  }

  private static Map<String, JsonNode> inputs(CreateGeneration r) {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    if (r.inputs() != null) {
      all.putAll(r.inputs());
    }
    var json = GenerationViews.JSON;
    putIf(all, "prompt", r.prompt() == null ? null : json.getNodeFactory().stringNode(r.prompt()));
    putIf(
        all,
        "negativePrompt",
        r.negativePrompt() == null ? null : json.getNodeFactory().stringNode(r.negativePrompt()));
    putIf(all, "width", r.width());
    putIf(all, "height", r.height());
    putIf(all, "steps", r.steps());
    putIf(all, "cfg", r.cfg());
    putIf(all, "seed", r.seed());
    putIf(
        all, "sampler", r.sampler() == null ? null : json.getNodeFactory().stringNode(r.sampler()));
    putIf(
        all,
        "scheduler",
        r.scheduler() == null ? null : json.getNodeFactory().stringNode(r.scheduler()));
    putIf(
        all,
        "checkpoint",
        r.checkpoint() == null ? null : json.getNodeFactory().stringNode(r.checkpoint()));
    putIf(all, "loras", r.loras());
    return all;
  }

  private static void putIf(Map<String, JsonNode> all, String key, @Nullable JsonNode value) {
    if (value != null && !value.isNull()) {
      all.put(key, value);
    }
  }

  GenerationView get(AuthenticatedUser user, UUID id) {
    return view(find(user, id));
  }

  Generation find(AuthenticatedUser user, UUID id) {
    return generations
        .findById(id)
        .filter(g -> user.isAdmin() || g.getUserId().equals(user.id()))
        .orElseThrow(() -> ApiException.notFound(GENERATION_NOT_FOUND, "No generation " + id));
  }

  GenerationView view(Generation g) {
    Long position = null;
    Long eta = null;
    double mean = generations.meanRunSeconds();
    if (g.getStatus() == GenerationStatus.QUEUED) {
      position =
          generations.countQueuedAhead(g.getRequest().priority(), g.getTimings().createdAt());
      long capacity = Math.max(1, fleet.candidates(null).size());
      eta = Math.round((position / capacity + 1) * mean);
    } else if (g.getStatus() == GenerationStatus.RUNNING) {
      eta = Math.round(mean * (100 - g.getProgress().percent()) / 100.0);
    }
    return GenerationViews.of(g, position, eta);
  }

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
  GenerationView cancel(AuthenticatedUser user, UUID id) {
    find(user, id);
    Generation g =
        transaction.execute(
            s -> {
              Generation locked = generations.lockById(id).orElseThrow();
              if (locked.getStatus().isFinal()) {
                throw ApiException.conflict(
                    ErrorCodes.CONFLICT, "The generation is already " + locked.getStatus());
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
  GenerationView regenerate(AuthenticatedUser user, UUID id) {
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
    generations.saveAndFlush(g);
    bus.publish(GenerationEvent.status(g.getId(), "QUEUED"));
    dispatcher.wake();
    return view(g);
  }
}
