package io.gpufleet.api.workflows;

import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.scheduler.routing.ModelNeed;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A stored workflow, read: the graph, its designated inputs, the shortcuts mapped to its nodes
 * ({@code "prompt" -> ["6/text"]}) and what a server needs to run it.
 */
public record WorkflowModel(
    UUID id,
    String name,
    @Nullable String description,
    Workflow graph,
    List<InputDefinition> inputs,
    Map<String, List<String>> shortcuts,
    List<String> nodeClasses,
    List<ModelNeed> models,
    boolean isDefault,
    Instant createdAt,
    Instant updatedAt) {

  public Optional<InputDefinition> input(String key) {
    return inputs.stream().filter(i -> i.key().equals(key)).findFirst();
  }
}
