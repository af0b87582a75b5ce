package io.gpufleet.api.workflows;

import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.scheduler.routing.ModelNeed;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import io.gpufleet.scheduler.routing.WorkEstimate;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** Workflows: admins import and change them, everyone reads them and their inputs. */
@RestController
@RequestMapping("/api/v1/workflows")
class WorkflowController {

  private final WorkflowCatalog catalog;
  private final FleetView fleet;
  private final GenerationRepository generations;

  WorkflowController(WorkflowCatalog catalog, FleetView fleet, GenerationRepository generations) {
    this.catalog = catalog;
    this.fleet = fleet;
    this.generations = generations;
  }

  /** An import: {@code workflow} in API or UI format; {@code inputs} null = derived ones. */
  record WorkflowRequest(
      String name,
      @Nullable String description,
      JsonNode workflow,
      @Nullable List<InputDefinition> inputs,
      @Nullable Boolean isDefault) {}

  record WorkflowView(
      UUID id,
      String name,
      @Nullable String description,
      boolean isDefault,
      List<InputDefinition> inputs,
      Map<String, List<String>> shortcuts,
      List<String> nodeClasses,
      List<ModelNeed> models,
      JsonNode workflow,
      Instant createdAt,
      Instant updatedAt) {
    static WorkflowView of(WorkflowModel m) {
      return new WorkflowView(
          m.id(),
          m.name(),
          m.description(),
          m.isDefault(),
          m.inputs(),
          m.shortcuts(),
          m.nodeClasses(),
          m.models(),
          m.graph().toJson(),
          m.createdAt(),
          m.updatedAt());
    }
  }

  /**
   * One server's verdict. {@code estimatedSeconds} is the mean run time of this workflow's last
   * {@code basedOnRuns} (at most 20) successful runs there; null before the first.
   */
  record ServerAnalysis(
      UUID serverId,
      String name,
      String status,
      boolean runnable,
      List<String> missing,
      @Nullable Double estimatedSeconds,
      int basedOnRuns) {}

  /** {@code estimatedSeconds}: the mean over the servers that can run it and have run it. */
  record Analysis(
      List<String> nodeClasses,
      List<ModelNeed> models,
      boolean runnableSomewhere,
      @Nullable Double estimatedSeconds,
      List<ServerAnalysis> servers) {}

  @GetMapping
  List<WorkflowView> list() {
    return catalog.all().stream().map(WorkflowView::of).toList();
  }

  @PostMapping
  @PreAuthorize("hasRole('ADMIN')")
  ResponseEntity<WorkflowView> create(@RequestBody WorkflowRequest request) {
    WorkflowView created = WorkflowView.of(catalog.create(draft(request)));
    return ResponseEntity.created(URI.create("/api/v1/workflows/" + created.id())).body(created);
  }

  @GetMapping("/{id}")
  WorkflowView get(@PathVariable UUID id) {
    return WorkflowView.of(catalog.get(id));
  }

  @PutMapping("/{id}")
  @PreAuthorize("hasRole('ADMIN')")
  WorkflowView replace(@PathVariable UUID id, @RequestBody WorkflowRequest request) {
    return WorkflowView.of(catalog.replace(id, draft(request)));
  }

  @DeleteMapping("/{id}")
  @PreAuthorize("hasRole('ADMIN')")
  ResponseEntity<Void> delete(@PathVariable UUID id) {
    catalog.delete(id);
    return ResponseEntity.noContent().build();
  }

  @GetMapping("/{id}/inputs")
  Map<String, InputDefinition> inputs(@PathVariable UUID id) {
    Map<String, InputDefinition> out = new java.util.LinkedHashMap<>();
    catalog.get(id).inputs().forEach(i -> out.put(i.key(), i));
    return out;
  }

  /** Per running server: can it run the workflow, and what does it lack. */
  @PostMapping("/{id}/analyze")
  Analysis analyze(@PathVariable UUID id) {
    WorkflowModel m = catalog.get(id);
    RoutingPolicy.Need need =
        new RoutingPolicy.Need(
            Set.copyOf(m.nodeClasses()), m.models(), null, null, null, WorkEstimate.FLOOR, null);
    Map<UUID, double[]> history = new java.util.HashMap<>();
    for (Object[] row : generations.recentRunSecondsByServer(id)) {
      history.put(
          (UUID) row[0],
          new double[] {((Number) row[1]).doubleValue(), ((Number) row[2]).doubleValue()});
    }
    List<ServerAnalysis> servers = new ArrayList<>();
    boolean any = false;
    double seconds = 0;
    double runs = 0;
    for (RoutingPolicy.Candidate c : fleet.candidates(null)) {
      List<String> missing = c.missing(need);
      any |= missing.isEmpty();
      double[] h = history.get(c.id());
      if (h != null && missing.isEmpty()) {
        seconds += h[0] * h[1];
        runs += h[1];
      }
      servers.add(
          new ServerAnalysis(
              c.id(),
              c.name(),
              c.status().name(),
              missing.isEmpty(),
              missing,
              h == null ? null : Math.round(h[0] * 10) / 10.0,
              h == null ? 0 : (int) h[1]));
    }
    Double estimate = runs == 0 ? null : Math.round(seconds / runs * 10) / 10.0;
    return new Analysis(m.nodeClasses(), m.models(), any, estimate, servers);
  }

  private static WorkflowCatalog.Draft draft(WorkflowRequest r) {
    if (r.name() == null || r.name().isBlank()) {
      throw ApiException.invalidField("name", "must not be blank");
    }
    if (r.workflow() == null || !r.workflow().isObject()) {
      throw ApiException.invalidField("workflow", "must be a workflow object (API or UI format)");
    }
    return new WorkflowCatalog.Draft(
        r.name().strip(),
        r.description(),
        r.workflow(),
        r.inputs(),
        Boolean.TRUE.equals(r.isDefault()));
  }
}
