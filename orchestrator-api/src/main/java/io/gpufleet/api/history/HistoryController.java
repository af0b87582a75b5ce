package io.gpufleet.api.history;

import io.gpufleet.api.generations.GenerationService;
import io.gpufleet.api.generations.GenerationViews;
import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Exports;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The generations list (newest first), its export and its counts, with the same filters. */
@RestController
@RequestMapping("/api/v1/generations")
class HistoryController {

  static final int EXPORT_LIMIT = 10_000;

  private final GenerationRepository generations;
  private final GenerationService service;
  private final HistoryStats stats;

  HistoryController(
      GenerationRepository generations, GenerationService service, HistoryStats stats) {
    this.generations = generations;
    this.service = service;
    this.stats = stats;
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
            new HistoryFilters(status, workflowId, sessionId, serverId, from, to).of(user),
            PageRequests.of(page, size, Sort.by(Sort.Direction.DESC, "timings.createdAt"))),
        service::view);
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
                new HistoryFilters(status, workflowId, sessionId, serverId, from, to).of(user),
                PageRequest.of(0, EXPORT_LIMIT, Sort.by(Sort.Direction.DESC, "timings.createdAt")))
            .map(g -> GenerationViews.of(g, null, null))
            .getContent();
    return Exports.attachment("generations", format, rows, HistoryCsv::of);
  }

  @GetMapping("/stats")
  HistoryStats.Stats stats(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(required = false) @Nullable UUID workflowId,
      @RequestParam(required = false) @Nullable UUID sessionId,
      @RequestParam(required = false) @Nullable UUID serverId,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to) {
    return stats.of(user, new HistoryFilters(null, workflowId, sessionId, serverId, from, to));
  }
}
