package io.gpufleet.scheduler.routing;

import io.gpufleet.comfy.workflow.Workflow;
import java.util.List;

/** A model file a server must have to run a graph: a folder under {@code models/} and a name. */
public record ModelNeed(String folder, String name) {

  /** The model files {@code graph} names, each once, in graph order. */
  public static List<ModelNeed> of(Workflow graph) {
    return graph.requiredModels().stream()
        .map(m -> new ModelNeed(m.folder(), m.name()))
        .distinct()
        .toList();
  }
}
