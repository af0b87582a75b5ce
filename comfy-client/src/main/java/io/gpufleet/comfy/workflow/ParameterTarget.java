package io.gpufleet.comfy.workflow;

import tools.jackson.databind.JsonNode;

/** Where a common parameter lives in a workflow, with its current value. */
public record ParameterTarget(CommonParameter kind, String nodeId, String field, JsonNode value) {
  public String target() {
    return nodeId + "/" + field;
  }
}
