package io.gpufleet.api.generations;

import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.ratelimits.Band;
import io.gpufleet.api.ratelimits.RateLimitHeaders;
import io.gpufleet.api.ratelimits.RateLimiter;
import io.gpufleet.api.results.OutputDownloads;
import io.gpufleet.api.results.StoredOutput;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * Generations: submit (202), read, the snapshot that ran, outputs, the latest preview, cancel,
 * regenerate. The list and its export are history's; the events stream is live's.
 */
@RestController
@RequestMapping("/api/v1/generations")
class GenerationController {

  private final GenerationService service;
  private final RateLimiter limiter;
  private final OutputDownloads downloads;

  GenerationController(GenerationService service, RateLimiter limiter, OutputDownloads downloads) {
    this.service = service;
    this.limiter = limiter;
    this.downloads = downloads;
  }

  @PostMapping
  ResponseEntity<GenerationView> submit(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestBody CreateGeneration request,
      HttpServletResponse response) {
    RateLimitHeaders.enforce(response, limiter.consume(user, Band.Kind.GENERATIONS));
    GenerationView created = service.submit(user, request);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/generations/" + created.id()))
        .body(created);
  }

  @GetMapping("/{id}")
  GenerationView get(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return service.get(user, id);
  }

  @GetMapping("/{id}/workflow")
  JsonNode workflow(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return GenerationViews.JSON.readTree(service.find(user, id).getRequest().snapshot());
  }

  /**
   * An output, streamed from the store; with {@code redirect=true} (or the setting) a 302 to a
   * short-lived presigned URL of the store, once the caller's access is checked.
   */
  @GetMapping("/{id}/outputs/{index}")
  ResponseEntity<InputStreamResource> output(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      @PathVariable int index,
      @RequestParam(required = false) @Nullable Boolean redirect)
      throws IOException {
    Generation g = service.find(user, id);
    StoredOutput out =
        GenerationViews.outputs(g).stream()
            .filter(o -> o.index() == index)
            .findFirst()
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        ErrorCodes.NOT_FOUND, "No output " + index + " of " + id));
    return downloads.answer(id, out, g.getOutputsDeletedAt() != null, redirect, null);
  }

  /** The latest preview while it runs; clients learn of new ones from the preview events. */
  @GetMapping("/{id}/preview")
  ResponseEntity<byte[]> preview(
      @AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    GenerationPreviews.Preview preview = service.preview(user, id);
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(preview.mediaType()))
        .cacheControl(org.springframework.http.CacheControl.noStore())
        .eTag("\"" + preview.version() + "\"")
        .body(preview.image());
  }

  @PostMapping("/{id}/cancel")
  GenerationView cancel(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return service.cancel(user, id);
  }

  @PostMapping("/{id}/regenerate")
  ResponseEntity<GenerationView> regenerate(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      HttpServletResponse response) {
    RateLimitHeaders.enforce(response, limiter.consume(user, Band.Kind.GENERATIONS));
    GenerationView created = service.regenerate(user, id);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/generations/" + created.id()))
        .body(created);
  }
}
