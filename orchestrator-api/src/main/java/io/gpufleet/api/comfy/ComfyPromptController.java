package io.gpufleet.api.comfy;

import io.gpufleet.api.generations.GraphSubmissions;
import io.gpufleet.api.ratelimits.Band;
import io.gpufleet.api.ratelimits.RateLimitHeaders;
import io.gpufleet.api.ratelimits.RateLimiter;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's {@code /prompt}, {@code /queue} and {@code /interrupt}, each the caller's own: a prompt
 * becomes a generation (rate limit first, as {@code POST /generations}), the queue lists the
 * caller's prompts that wait or run, clearing and deleting cancel waiting ones, an interrupt
 * cancels running ones ({@link #executing}). Also under {@code /comfy/api}, as ComfyUI mirrors
 * every route.
 */
@RestController
class ComfyPromptController {

  private final PromptSubmission submission;
  private final ComfyPrompts prompts;
  private final GenerationRepository generations;
  private final GraphSubmissions submissions;
  private final RateLimiter limiter;

  ComfyPromptController(
      PromptSubmission submission,
      ComfyPrompts prompts,
      GenerationRepository generations,
      GraphSubmissions submissions,
      RateLimiter limiter) {
    this.submission = submission;
    this.prompts = prompts;
    this.generations = generations;
    this.submissions = submissions;
    this.limiter = limiter;
  }

  @PostMapping({"/comfy/prompt", "/comfy/api/prompt"})
  ObjectNode prompt(
      @AuthenticationPrincipal AuthenticatedUser user,
      HttpServletRequest request,
      HttpServletResponse response) {
    JsonNode body = readPromptBody(request);
    RateLimitHeaders.enforce(response, limiter.consume(user, Band.Kind.GENERATIONS));
    PromptSubmission.Accepted accepted = submission.submit(user, body);
    ObjectNode answer = ComfyPrompts.JSON.createObjectNode();
    answer.put("prompt_id", accepted.promptId().toString());
    answer.set("number", ComfyViews.number(accepted.number()));
    answer.set("node_errors", accepted.nodeErrors());
    return answer;
  }

  private static JsonNode readPromptBody(HttpServletRequest request) {
    try {
      JsonNode body = ComfyBodies.read(request);
      return body == null ? ComfyPrompts.JSON.createObjectNode() : body;
    } catch (ApiException e) {
      throw PromptSubmission.refusal("invalid_prompt", "The body is not JSON", e.getMessage());
    }
  }

  @GetMapping({"/comfy/prompt", "/comfy/api/prompt"})
  ObjectNode queueRemaining(@AuthenticationPrincipal AuthenticatedUser user) {
    ObjectNode answer = ComfyPrompts.JSON.createObjectNode();
    answer.putObject("exec_info").put("queue_remaining", prompts.remaining(user.id()));
    return answer;
  }

  @GetMapping({"/comfy/queue", "/comfy/api/queue"})
  ObjectNode queue(@AuthenticationPrincipal AuthenticatedUser user) {
    List<ComfyPrompts.Prompt> active = prompts.active(user.id());
    Map<UUID, Generation> byId = load(active);
    ObjectNode answer = ComfyPrompts.JSON.createObjectNode();
    ArrayNode running = answer.putArray("queue_running");
    ArrayNode pending = answer.putArray("queue_pending");
    for (ComfyPrompts.Prompt p : active) {
      Generation g = byId.get(p.generationId());
      if (g == null) {
        continue;
      }
      (executing(g) ? running : pending).add(ComfyViews.queueItem(p, g));
    }
    return answer;
  }

  /** {@code {"clear": true}} or {@code {"delete": [ids]}}: the caller's waiting prompts only. */
  @PostMapping({"/comfy/queue", "/comfy/api/queue"})
  ResponseEntity<Void> changeQueue(
      @AuthenticationPrincipal AuthenticatedUser user, HttpServletRequest request) {
    JsonNode body = ComfyBodies.read(request);
    if (body == null) {
      return ResponseEntity.ok().build();
    }
    boolean clear = body.path("clear").asBoolean(false);
    List<UUID> delete = ComfyBodies.ids(body.path("delete"));
    for (ComfyPrompts.Prompt p : prompts.active(user.id())) {
      if (clear || delete.contains(p.generationId())) {
        cancelIf(user, p.generationId(), false);
      }
    }
    return ResponseEntity.ok().build();
  }

  /**
   * With {@code prompt_id}: that prompt if it is the caller's and running; without: every running
   * prompt of the caller (ComfyUI interrupts "whatever runs", which here is theirs alone).
   */
  @PostMapping({"/comfy/interrupt", "/comfy/api/interrupt"})
  ResponseEntity<Void> interrupt(
      @AuthenticationPrincipal AuthenticatedUser user, HttpServletRequest request) {
    JsonNode body;
    try {
      body = ComfyBodies.read(request);
    } catch (ApiException e) {
      body = null; // ComfyUI tolerates any body here
    }
    @Nullable String only =
        body != null && body.path("prompt_id").isString()
            ? body.path("prompt_id").asString()
            : null;
    for (ComfyPrompts.Prompt p : prompts.active(user.id())) {
      if (only == null || only.equalsIgnoreCase(p.generationId().toString())) {
        cancelIf(user, p.generationId(), true);
      }
    }
    return ResponseEntity.ok().build();
  }

  /**
   * ComfyUI runs one prompt at a time; the platform hands a server a few. What a server has begun
   * is running; what waits, in the fleet's queue or in a server's, is pending.
   */
  static boolean executing(Generation g) {
    return g.getStatus() == GenerationStatus.RUNNING
        && (g.getProgress().nodeId() != null || g.getProgress().executedNodes() > 0);
  }

  private void cancelIf(AuthenticatedUser user, UUID id, boolean running) {
    Generation g = generations.findById(id).orElse(null);
    if (g == null || g.getStatus().isFinal() || executing(g) != running) {
      return;
    }
    try {
      submissions.cancel(user, id);
    } catch (ApiException e) {
      // it ended meanwhile: nothing left to cancel, as ComfyUI ignores such ids
    }
  }

  private Map<UUID, Generation> load(List<ComfyPrompts.Prompt> list) {
    Map<UUID, Generation> byId = new HashMap<>();
    generations
        .findAllById(list.stream().map(ComfyPrompts.Prompt::generationId).toList())
        .forEach(g -> byId.put(g.getId(), g));
    return byId;
  }
}
