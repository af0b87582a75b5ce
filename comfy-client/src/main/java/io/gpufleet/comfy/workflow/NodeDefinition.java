package io.gpufleet.comfy.workflow;

import java.util.List;
import java.util.Optional;

/** A node class as described by {@code /object_info}: inputs in input_order, outputs by slot. */
public record NodeDefinition(
    String name,
    String displayName,
    String category,
    boolean outputNode,
    List<InputSpec> inputs,
    List<String> outputTypes,
    List<String> outputNames) {

  public NodeDefinition {
    inputs = List.copyOf(inputs);
    outputTypes = List.copyOf(outputTypes);
    outputNames = List.copyOf(outputNames);
  }

  public Optional<InputSpec> input(String inputName) {
    return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
  }
}
