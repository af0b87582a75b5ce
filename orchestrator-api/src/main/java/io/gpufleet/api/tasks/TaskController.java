package io.gpufleet.api.tasks;

import io.gpufleet.api.ratelimits.Band;
import io.gpufleet.api.ratelimits.RateLimitHeaders;
import io.gpufleet.api.ratelimits.RateLimiter;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Exports;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.api.tasks.TaskViews.TaskView;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskRepository;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Sort;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Tasks: create (202), list and export with filters, read, cancel, retry, delete. Text tasks count
 * against the caller's chat bands, image tasks against their generation bands.
 */
@RestController
@RequestMapping("/api/v1/tasks")
class TaskController {

  static final int EXPORT_LIMIT = 10_000;
  private static final Sort NEWEST_FIRST =
      Sort.by(Sort.Direction.DESC, "createdAt").and(Sort.by(Sort.Direction.DESC, "id"));

  private final TaskService service;
  private final TaskRepository tasks;
  private final RateLimiter limiter;

  TaskController(TaskService service, TaskRepository tasks, RateLimiter limiter) {
    this.service = service;
    this.tasks = tasks;
    this.limiter = limiter;
  }

  @PostMapping
  ResponseEntity<TaskView> create(
      @AuthenticationPrincipal AuthenticatedUser user,
      @Valid @RequestBody TaskViews.CreateTask request,
      HttpServletResponse response) {
    RateLimitHeaders.enforce(response, limiter.consume(user, band(request.isText())));
    Task created = service.create(user, request);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/tasks/" + created.getId()))
        .body(service.view(created));
  }

  @GetMapping
  PageResponse<TaskView> list(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String provider,
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to,
      @RequestParam(required = false) @Nullable String search,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    TaskFilters filters = TaskFilters.parse(status, provider, type, from, to, search);
    return PageResponse.of(
        tasks.findAll(filters.of(user), PageRequests.of(page, size, NEWEST_FIRST)),
        t -> TaskViews.of(t, null));
  }

  /** Everything the list would show (newest first, at most {@value #EXPORT_LIMIT} rows). */
  @GetMapping("/export")
  ResponseEntity<?> export(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(defaultValue = "json") String format,
      @RequestParam(required = false) @Nullable String status,
      @RequestParam(required = false) @Nullable String provider,
      @RequestParam(required = false) @Nullable String type,
      @RequestParam(required = false) @Nullable Instant from,
      @RequestParam(required = false) @Nullable Instant to,
      @RequestParam(required = false) @Nullable String search) {
    if (!format.equals("csv") && !format.equals("json")) {
      throw ApiException.invalidField("format", "must be csv or json");
    }
    TaskFilters filters = TaskFilters.parse(status, provider, type, from, to, search);
    List<TaskView> rows =
        tasks
            .findAll(filters.of(user), PageRequest.of(0, EXPORT_LIMIT, NEWEST_FIRST))
            .map(t -> TaskViews.of(t, null))
            .getContent();
    return Exports.attachment("tasks", format, rows, TaskCsv::of);
  }

  @GetMapping("/{id}")
  TaskView get(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return service.view(service.find(user, id));
  }

  @PostMapping("/{id}/cancel")
  TaskView cancel(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return service.view(service.cancel(user, id));
  }

  @PostMapping("/{id}/retry")
  ResponseEntity<TaskView> retry(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      HttpServletResponse response) {
    boolean text = service.find(user, id).isText();
    RateLimitHeaders.enforce(response, limiter.consume(user, band(text)));
    Task requeued = service.retry(user, id);
    return ResponseEntity.accepted()
        .location(URI.create("/api/v1/tasks/" + id))
        .body(service.view(requeued));
  }

  @DeleteMapping("/{id}")
  ResponseEntity<Void> delete(
      @AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    service.delete(user, id);
    return ResponseEntity.noContent().build();
  }

  private static Band.Kind band(boolean text) {
    return text ? Band.Kind.CHAT : Band.Kind.GENERATIONS;
  }
}
