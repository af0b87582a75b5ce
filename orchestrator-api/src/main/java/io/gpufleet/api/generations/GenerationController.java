package io.gpufleet.api.generations;

import io.gpufleet.api.generations.GenerationViews.CreateGeneration;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.ratelimits.Band;
import io.gpufleet.api.ratelimits.RateLimitHeaders;
import io.gpufleet.api.ratelimits.RateLimiter;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.data.jpa.domain.Specification;
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
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import tools.jackson.databind.JsonNode;

/** Generations: submit (202), read, list, the snapshot that ran, outputs, cancel, regenerate. */
@RestController
@RequestMapping("/api/v1/generations")
class GenerationController {

  private final GenerationService service;
  private final GenerationRepository generations;
  private final RateLimiter limiter;
  private final ResultStore results;
  private final GenerationEventBus bus;
  private final HistoryStats stats;

  GenerationController(
      GenerationService service,
      GenerationRepository generations,
      RateLimiter limiter,
      ResultStore results,
      GenerationEventBus bus,
      HistoryStats stats) {
    this.service = service;
    this.generations = generations;
    this.limiter = limiter;
    this.results = results;
    this.bus = bus;
    this.stats = stats;
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

  @GetMapping
  PageResponse<GenerationView> list(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(required = false) @Nullable GenerationStatus status,
      @RequestParam(required = false) @Nullable UUID workflowId,
      @RequestParam(required = false) @Nullable UUID sessionId,
      @RequestParam(required = false) @Nullable UUID serverId,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return PageResponse.of(
        generations.findAll(
            filters(user, new Filters(status, workflowId, sessionId, serverId, from, to)),
            PageRequests.of(page, size, Sort.by(Sort.Direction.DESC, "timings.createdAt"))),
        service::view);
  }

  /** The list's filters, the caller's rows only unless an admin asks. */
  record Filters(
      @Nullable GenerationStatus status,
      @Nullable UUID workflowId,
      @Nullable UUID sessionId,
      @Nullable UUID serverId,
      @Nullable Instant from,
      @Nullable Instant to) {}

  static Specification<Generation> filters(AuthenticatedUser user, Filters f) {
    List<Specification<Generation>> filters = new ArrayList<>();
    if (!user.isAdmin()) {
      filters.add((r, q, cb) -> cb.equal(r.get("userId"), user.id()));
    }
    if (f.status() != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("status"), f.status()));
    }
    if (f.workflowId() != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("request").get("workflowId"), f.workflowId()));
    }
    if (f.sessionId() != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("request").get("sessionId"), f.sessionId()));
    }
    if (f.serverId() != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("attempt").get("serverId"), f.serverId()));
    }
    if (f.from() != null) {
      filters.add(
          (r, q, cb) -> cb.greaterThanOrEqualTo(r.get("timings").get("createdAt"), f.from()));
    }
    if (f.to() != null) {
      filters.add((r, q, cb) -> cb.lessThan(r.get("timings").get("createdAt"), f.to()));
    }
    return Specification.allOf(filters);
  }

  /** Everything the list would show (newest first, at most {@value #EXPORT_LIMIT} rows). */
  @GetMapping("/export")
  ResponseEntity<?> export(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(defaultValue = "json") String format,
      @RequestParam(required = false) @Nullable GenerationStatus status,
      @RequestParam(required = false) @Nullable UUID workflowId,
      @RequestParam(required = false) @Nullable UUID sessionId,
      @RequestParam(required = false) @Nullable UUID serverId,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to) {
    if (!format.equals("csv") && !format.equals("json")) {
      throw ApiException.invalidField("format", "must be csv or json");
    }
    List<GenerationView> rows =
        generations
            .findAll(
                filters(user, new Filters(status, workflowId, sessionId, serverId, from, to)),
                PageRequest.of(0, EXPORT_LIMIT, Sort.by(Sort.Direction.DESC, "timings.createdAt")))
            .map(g -> GenerationViews.of(g, null, null))
            .getContent();
    String name = "generations." + format;
    if (format.equals("json")) {
      return ResponseEntity.ok()
          .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
          .contentType(MediaType.APPLICATION_JSON)
          .body(rows);
    }
    return ResponseEntity.ok()
        .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
        .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
        .body(HistoryCsv.of(rows));
  }

  static final int EXPORT_LIMIT = 10_000;

  @GetMapping("/stats")
  HistoryStats.Stats stats(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(required = false) @Nullable UUID workflowId,
      @RequestParam(required = false) @Nullable UUID sessionId,
      @RequestParam(required = false) @Nullable UUID serverId,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to) {
    return stats.of(user, new Filters(null, workflowId, sessionId, serverId, from, to));
  }

  @GetMapping("/{id}")
  GenerationView get(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return service.get(user, id);
  }

  @GetMapping("/{id}/workflow")
  JsonNode workflow(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return GenerationViews.JSON.readTree(service.find(user, id).getRequest().snapshot());
  }

  @GetMapping("/{id}/outputs/{index}")
  ResponseEntity<byte[]> output(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      @PathVariable int index)
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
    Path file = results.path(id, out.file());
    if (!Files.exists(file)) {
      throw ApiException.notFound(ErrorCodes.NOT_FOUND, "The stored output is missing");
    }
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType(out.contentType()))
        .body(Files.readAllBytes(file));
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

  /** Server-sent events of one generation in this replica; the current state comes first. */
  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter events(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    GenerationView now = service.get(user, id);
    SseEmitter emitter = new SseEmitter(0L);
    Runnable[] unsubscribe = new Runnable[1];
    unsubscribe[0] =
        bus.subscribe(
            id,
            event -> {
              try {
                emitter.send(SseEmitter.event().name(event.type()).data(event.data()));
                if (event.isFinal()) {
                  emitter.complete();
                }
              } catch (IOException | IllegalStateException e) {
                unsubscribe[0].run();
              }
            });
    emitter.onCompletion(unsubscribe[0]);
    emitter.onTimeout(unsubscribe[0]);
    emitter.onError(e -> unsubscribe[0].run());
    try {
      emitter.send(SseEmitter.event().name("generation.state").data(now));
      if (GenerationStatus.valueOf(now.status()).isFinal()) {
        emitter.complete();
      }
    } catch (IOException e) {
      unsubscribe[0].run();
    }
    return emitter;
  }
}
