package io.gpufleet.api.workflows;

import io.gpufleet.api.routing.FleetView;
import io.gpufleet.api.routing.RoutingPolicy;
import io.gpufleet.api.system.ApiException;
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

  WorkflowController(WorkflowCatalog catalog, FleetView fleet) {
    this.catalog = catalog;
    this.fleet = fleet;
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
      List<WorkflowModel.ModelNeed> models,
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

  record ServerAnalysis(
      UUID serverId, String name, String status, boolean runnable, List<String> missing) {}

  record Analysis(
      List<String> nodeClasses,
      List<WorkflowModel.ModelNeed> models,
      boolean runnableSomewhere,
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
        new RoutingPolicy.Need(Set.copyOf(m.nodeClasses()), m.models(), null, null, null);
    List<ServerAnalysis> servers = new ArrayList<>();
    boolean any = false;
    for (RoutingPolicy.Candidate c : fleet.candidates(null)) {
      List<String> missing = c.missing(need);
      any |= missing.isEmpty();
      servers.add(
          new ServerAnalysis(c.id(), c.name(), c.status().name(), missing.isEmpty(), missing));
    }
    return new Analysis(m.nodeClasses(), m.models(), any, servers);
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
