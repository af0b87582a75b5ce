package io.gpufleet.api.generations;

import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.routing.ServerCapabilities;
import io.gpufleet.api.sessions.GenerationSessions;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ApiException.FieldProblem;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.system.UrlNotAllowed;
import io.gpufleet.api.uploads.UploadStore;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.comfy.workflow.Input;
import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.OutboundPolicy;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * What a submission must pass, once its inputs fit the workflow, before it is queued: a pinned
 * server that exists, a webhook URL that is one, the caller's own session and uploads, and a fleet
 * that can run it. Room in the caller's queue is counted where the generation is inserted.
 */
@Component
class SubmissionChecks {

  static final String INSUFFICIENT_RESOURCES = "INSUFFICIENT_RESOURCES";

  private final GenerationRepository generations;
  private final ServerRepository servers;
  private final FleetView fleet;
  private final GenerationSessions sessions;
  private final UploadStore uploads;
  private final GenerationProperties settings;
  private final OutboundPolicy webhooks;
  private final ServerCapabilities capabilities;

  SubmissionChecks(
      GenerationRepository generations,
      ServerRepository servers,
      FleetView fleet,
      GenerationSessions sessions,
      UploadStore uploads,
      GenerationProperties settings,
      OutboundPolicies outbound,
      ServerCapabilities capabilities) {
    this.webhooks = outbound.webhooks();
    this.capabilities = capabilities;
    this.generations = generations;
    this.servers = servers;
    this.fleet = fleet;
    this.sessions = sessions;
    this.uploads = uploads;
    this.settings = settings;
  }

  void require(AuthenticatedUser user, CreateGeneration request, Workflow snapshot) {
    if (request.serverId() != null && servers.findById(request.serverId()).isEmpty()) {
      throw ApiException.invalidField("serverId", "no such server");
    }
    requireValidWebhookUrl(request.webhookUrl());
    if (request.sessionId() != null) {
      sessions.requireOwn(user, request.sessionId(), "sessionId");
    }
    uploads.requireOwn(user, snapshot);
    requireOfferedChoices(request, snapshot);
    requireRunnable(snapshot, request.serverId());
  }

  /**
   * Room in the caller's queue, for a submission that is not stored through {@link
   * SubmissionWriter} (which counts it with the insert).
   */
  void requireRoomInQueue(AuthenticatedUser user) {
    if (generations.countByUserIdAndStatus(user.id(), GenerationStatus.QUEUED)
        >= settings.maxQueuedPerUser()) {
      throw queueFull(settings.maxQueuedPerUser());
    }
  }

  /** The refusal of a submission whose user already has {@code cap} generations queued. */
  static ApiException queueFull(int cap) {
    return new ApiException(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCodes.RATE_LIMITED,
        "You have " + cap + " generations queued; wait for some to run");
  }

  /**
   * Samplers and schedulers the fleet offers: a running server's {@code object_info} lists them,
   * and a name none offers would only fail on the server. The allowed values are in the error.
   * Without a running server there is no list to check against; the name goes as given.
   */
  private void requireOfferedChoices(CreateGeneration request, Workflow snapshot) {
    List<FieldProblem> problems = notOffered(request, snapshot, capabilities.anyRunning());
    if (!problems.isEmpty()) {
      // the fleet may have changed in the last second: refuse only on what it offers now
      problems = notOffered(request, snapshot, capabilities.anyRunningNow());
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid(problems);
    }
  }

  private static List<FieldProblem> notOffered(
      CreateGeneration request, Workflow snapshot, Optional<NodeDefinitions> known) {
    NodeDefinitions definitions = known.orElse(null);
    if (definitions == null) {
      return List.of();
    }
    List<FieldProblem> problems = new ArrayList<>();
    for (Node node : snapshot.nodes().values()) {
      for (String field : List.of("sampler_name", "scheduler")) {
        if (!(node.inputs().get(field) instanceof Input.Literal literal)
            || !literal.value().isString()) {
          continue;
        }
        List<String> offered =
            definitions
                .get(node.classType())
                .flatMap(d -> d.input(field))
                .filter(InputSpec::isCombo)
                .map(InputSpec::options)
                .orElse(List.of());
        String value = literal.value().asString();
        if (!offered.isEmpty() && !offered.contains(value)) {
          String shortcut = field.equals("sampler_name") ? "sampler" : "scheduler";
          boolean byShortcut =
              shortcut.equals("sampler") ? request.sampler() != null : request.scheduler() != null;
          problems.add(
              new FieldProblem(
                  byShortcut ? shortcut : "inputs." + node.id() + "/" + field,
                  "'" + value + "' is not offered by the fleet; one of " + offered));
        }
      }
    }
    return problems;
  }

  private void requireRunnable(Workflow snapshot, @Nullable UUID pinned) {
    RoutingPolicy.Need need = RoutingPolicy.Need.of(snapshot, pinned, null, null);
    List<RoutingPolicy.Candidate> candidates =
        pinned == null ? fleet.recent() : fleet.candidates(pinned);
    Optional<String> reason = fleet.policy().unrunnable(need, candidates);
    if (reason.isPresent() && pinned == null) {
      // the picture is up to a second old: refuse only on the fleet as it is now
      candidates = fleet.candidates(null);
      reason = fleet.policy().unrunnable(need, candidates);
    }
    if (reason.isPresent()) {
      throw new ApiException(
              HttpStatus.BAD_REQUEST,
              INSUFFICIENT_RESOURCES,
              "No server of the fleet can run this workflow: " + reason.get())
          .with("reason", reason.get());
    }
    if (pinned != null
        && fleet.policy().route(need, candidates) instanceof RoutingPolicy.Route.Impossible) {
      throw new ApiException(
          HttpStatus.BAD_REQUEST,
          INSUFFICIENT_RESOURCES,
          ((RoutingPolicy.Route.Impossible) fleet.policy().route(need, candidates)).reason());
    }
  }

  /**
   * Only absolute http(s) URLs with a host, that the outbound policy of webhooks lets the platform
   * call now (it is checked again at every delivery).
   */
  void requireValidWebhookUrl(@Nullable String url) {
    if (url == null) {
      return;
    }
    boolean wellFormed = false;
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      wellFormed = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      // not well-formed
    }
    if (!wellFormed) {
      throw ApiException.invalidField("webhookUrl", "must be an absolute http or https URL");
    }
    try {
      webhooks.check(url);
    } catch (UrlNotAllowedException e) {
      throw UrlNotAllowed.problem(e, "webhookUrl");
    }
  }
}
