package io.gpufleet.api.comfy;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import jakarta.servlet.http.HttpServletRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's {@code /history}: the caller's finished prompts, oldest first, keyed by prompt id, with
 * ComfyUI's paging ({@code max_items} alone: the last N; {@code offset}: from the K-th oldest).
 * Clearing and deleting hide entries from this history only: the generations stay in the platform's
 * (the console's list, costs, {@code /api/v1/generations}).
 */
@RestController
class ComfyHistoryController {

  private final ComfyPrompts prompts;
  private final GenerationRepository generations;
  private final ComfyProperties settings;

  ComfyHistoryController(
      ComfyPrompts prompts, GenerationRepository generations, ComfyProperties settings) {
    this.prompts = prompts;
    this.generations = generations;
    this.settings = settings;
  }

  @GetMapping({"/comfy/history", "/comfy/api/history"})
  ObjectNode history(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(name = "max_items", required = false) @Nullable Integer maxItems,
      @RequestParam(required = false) @Nullable Integer offset) {
    if ((maxItems != null && maxItems < 0) || (offset != null && offset < 0)) {
      throw ApiException.badRequest(
          ErrorCodes.VALIDATION_ERROR, "max_items and offset must not be negative");
    }
    int limit =
        Math.min(maxItems == null ? settings.historyLimit() : maxItems, settings.historyLimit());
    int from = offset != null ? offset : Math.max(0, prompts.historySize(user.id()) - limit);
    return entries(prompts.history(user.id(), from, limit));
  }

  /** The entry when finished; {@code {}} while unknown, waiting or running (as ComfyUI). */
  @GetMapping({"/comfy/history/{promptId}", "/comfy/api/history/{promptId}"})
  ObjectNode one(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable String promptId) {
    UUID id;
    try {
      id = UUID.fromString(promptId);
    } catch (IllegalArgumentException e) {
      return ComfyPrompts.JSON.createObjectNode();
    }
    return prompts
        .inHistory(user.id(), id)
        .map(p -> entries(List.of(p)))
        .orElseGet(ComfyPrompts.JSON::createObjectNode);
  }

  /** {@code {"clear": true}} or {@code {"delete": [ids]}}: hides the caller's own entries. */
  @PostMapping({"/comfy/history", "/comfy/api/history"})
  ResponseEntity<Void> change(
      @AuthenticationPrincipal AuthenticatedUser user, HttpServletRequest request) {
    JsonNode body = ComfyBodies.read(request);
    if (body != null && body.path("clear").asBoolean(false)) {
      prompts.hide(user.id(), null);
    } else if (body != null && body.has("delete")) {
      prompts.hide(user.id(), ComfyBodies.ids(body.path("delete")));
    }
    return ResponseEntity.ok().build();
  }

  private ObjectNode entries(List<ComfyPrompts.Prompt> list) {
    Map<UUID, Generation> byId = new HashMap<>();
    generations
        .findAllById(list.stream().map(ComfyPrompts.Prompt::generationId).toList())
        .forEach(g -> byId.put(g.getId(), g));
    ObjectNode out = ComfyPrompts.JSON.createObjectNode();
    for (ComfyPrompts.Prompt p : list) {
      Generation g = byId.get(p.generationId());
      if (g != null) {
        out.set(g.getId().toString(), ComfyViews.historyEntry(p, g));
      }
    }
    return out;
  }
}
