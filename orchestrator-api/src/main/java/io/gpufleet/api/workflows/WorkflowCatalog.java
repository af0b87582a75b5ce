package io.gpufleet.api.workflows;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.gpufleet.api.routing.ServerCapabilities;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.comfy.workflow.UiWorkflowConverter;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.comfy.workflow.WorkflowException;
import io.gpufleet.persistence.workflows.StoredWorkflow;
import io.gpufleet.persistence.workflows.StoredWorkflowRepository;
import io.gpufleet.scheduler.routing.ModelNeed;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Stores and reads workflows; imports convert UI-format graphs with a server's object_info. */
@Service
public class WorkflowCatalog {

  static final String WORKFLOW_NOT_FOUND = "WORKFLOW_NOT_FOUND";
  static final String WORKFLOW_NAME_TAKEN = "WORKFLOW_NAME_TAKEN";
  static final String WORKFLOW_INVALID = "WORKFLOW_INVALID";
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final StoredWorkflowRepository workflows;
  private final ServerCapabilities capabilities;
  private final Clock clock;

  /**
   * Parsed workflows, for the submit path: every generation names one (or the default). A change
   * here clears it once committed; another replica's change shows within the entry's few seconds.
   */
  private final Cache<Object, WorkflowModel> parsed =
      Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofSeconds(5)).build();

  private static final Object DEFAULT = new Object();

  WorkflowCatalog(
      StoredWorkflowRepository workflows, ServerCapabilities capabilities, Clock clock) {
    this.workflows = workflows;
    this.capabilities = capabilities;
    this.clock = clock;
  }

  /** What an import or a replacement carries. */
  public record Draft(
      String name,
      @Nullable String description,
      JsonNode workflow,
      @Nullable List<InputDefinition> inputs,
      boolean makeDefault) {}

  @Transactional
  public WorkflowModel create(Draft draft) {
    forgetAfterCommit();
    if (workflows.findByNameIgnoreCase(draft.name()).isPresent()) {
      throw ApiException.conflict(
          WORKFLOW_NAME_TAKEN, "A workflow named '" + draft.name() + "' exists");
    }
    StoredWorkflow stored =
        new StoredWorkflow(draft.name(), draft.description(), content(draft), clock.instant());
    if (draft.makeDefault() || workflows.findDefault().isEmpty()) {
      makeDefault(stored);
    }
    return read(workflows.save(stored));
  }

  @Transactional
  public WorkflowModel replace(UUID id, Draft draft) {
    forgetAfterCommit();
    StoredWorkflow stored = find(id);
    workflows
        .findByNameIgnoreCase(draft.name())
        .filter(other -> !other.getId().equals(id))
        .ifPresent(
            other -> {
              throw ApiException.conflict(
                  WORKFLOW_NAME_TAKEN, "A workflow named '" + draft.name() + "' exists");
            });
    stored.rename(draft.name(), draft.description(), clock.instant());
    stored.replace(content(draft), clock.instant());
    if (draft.makeDefault()) {
      makeDefault(stored);
    }
    return read(stored);
  }

  @Transactional
  public void delete(UUID id) {
    forgetAfterCommit();
    workflows.delete(find(id));
  }

  /** Not in a transaction of its own: most calls are answered from the cache. */
  public WorkflowModel get(UUID id) {
    return parsed.get(id, key -> read(find(id)));
  }

  @Transactional(readOnly = true)
  public List<WorkflowModel> all() {
    return workflows.findAll().stream()
        .map(this::read)
        .sorted((a, b) -> a.createdAt().compareTo(b.createdAt()))
        .toList();
  }

  /** The workflow used when a generation names none (from the cache, mostly). */
  public WorkflowModel defaultWorkflow() {
    WorkflowModel cached = parsed.getIfPresent(DEFAULT);
    if (cached != null) {
      return cached;
    }
    WorkflowModel found =
        workflows
            .findDefault()
            .map(this::read)
            .orElseThrow(
                () ->
                    ApiException.notFound(
                        WORKFLOW_NOT_FOUND, "No default workflow is set; name a workflowId"));
    parsed.put(DEFAULT, found);
    return found;
  }

  private void forgetAfterCommit() {
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionSynchronizationManager.registerSynchronization(
          new TransactionSynchronization() {
            @Override
            public void afterCommit() {
              parsed.invalidateAll();
            }
          });
    }
    parsed.invalidateAll();
  }

  @Transactional(readOnly = true)
  public boolean exists(String name) {
    return workflows.findByNameIgnoreCase(name).isPresent();
  }

  private void makeDefault(StoredWorkflow stored) {
    workflows
        .findDefault()
        .filter(current -> !current.getId().equals(stored.getId()))
        .ifPresent(
            current -> {
              current.markDefault(false, clock.instant());
              workflows.saveAndFlush(current);
            });
    stored.markDefault(true, clock.instant());
  }

  private StoredWorkflow find(UUID id) {
    return workflows
        .findById(id)
        .orElseThrow(() -> ApiException.notFound(WORKFLOW_NOT_FOUND, "No workflow " + id));
  }

  private StoredWorkflow.Content content(Draft draft) {
    Workflow graph = graph(draft.workflow());
    Map<String, List<String>> shortcuts = WorkflowImport.shortcuts(graph);
    List<InputDefinition> inputs;
    try {
      if (draft.inputs() == null) {
        inputs = WorkflowImport.defaultInputs(graph, shortcuts);
      } else {
        inputs = new ArrayList<>();
        for (InputDefinition given : draft.inputs()) {
          inputs.add(WorkflowImport.describe(graph, given.key(), null, null, given));
        }
      }
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidField("inputs", e.getMessage());
    }
    return new StoredWorkflow.Content(
        graph.toJsonString(),
        JSON.writeValueAsString(inputs),
        JSON.writeValueAsString(shortcuts),
        JSON.writeValueAsString(RoutingPolicy.Need.nodeClasses(graph)),
        JSON.writeValueAsString(ModelNeed.of(graph)));
  }

  private Workflow graph(JsonNode json) {
    try {
      if (json.has("nodes") && json.has("links")) {
        NodeDefinitions defs =
            capabilities
                .anyRunning()
                .orElseThrow(
                    () ->
                        new ApiException(
                            org.springframework.http.HttpStatus.BAD_REQUEST,
                            WORKFLOW_INVALID,
                            "A UI-format workflow is converted with a running server's"
                                + " object_info, and no server is running; import the API format"));
        return sound(UiWorkflowConverter.convert(json, defs), defs);
      }
      Workflow graph = Workflow.fromJson(json);
      if (graph.nodeCount() == 0) {
        throw new WorkflowException("the workflow has no nodes");
      }
      return sound(graph, capabilities.anyRunning().orElse(null));
    } catch (WorkflowException e) {
      throw ApiException.badRequest(WORKFLOW_INVALID, e.getMessage());
    }
  }

  /** The graph, if ComfyUI would accept its links (existing nodes and outputs, no cycle). */
  private static Workflow sound(Workflow graph, @Nullable NodeDefinitions definitions) {
    List<String> problems = graph.linkProblems(definitions);
    if (!problems.isEmpty()) {
      throw new ApiException(
              org.springframework.http.HttpStatus.BAD_REQUEST,
              WORKFLOW_INVALID,
              "The workflow's links are broken: " + String.join("; ", problems))
          .with(
              "errors",
              problems.stream().map(p -> new ApiException.FieldProblem("workflow", p)).toList());
    }
    return graph;
  }

  WorkflowModel read(StoredWorkflow stored) {
    StoredWorkflow.Content c = stored.content();
    try {
      return new WorkflowModel(
          stored.getId(),
          stored.getName(),
          stored.getDescription(),
          Workflow.parse(c.graph()),
          JSON.readValue(c.inputs(), new TypeReference<List<InputDefinition>>() {}),
          JSON.readValue(c.shortcuts(), new TypeReference<Map<String, List<String>>>() {}),
          JSON.readValue(c.nodeClasses(), new TypeReference<List<String>>() {}),
          JSON.readValue(c.models(), new TypeReference<List<ModelNeed>>() {}),
          stored.isDefault(),
          stored.getCreatedAt(),
          stored.getUpdatedAt());
    } catch (JacksonException e) {
      throw new IllegalStateException("workflow " + stored.getId() + " is stored damaged", e);
    }
  }
}
