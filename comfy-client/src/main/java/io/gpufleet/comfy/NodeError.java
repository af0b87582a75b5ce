package io.gpufleet.comfy;

import java.util.List;

/** The validation errors of one node and the output nodes that depend on it. */
public record NodeError(
    String nodeId, String classType, List<ValidationError> errors, List<String> dependentOutputs) {
  public NodeError {
    errors = List.copyOf(errors);
    dependentOutputs = List.copyOf(dependentOutputs);
  }
}
