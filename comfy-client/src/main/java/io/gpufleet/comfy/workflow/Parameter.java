package io.gpufleet.comfy.workflow;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A literal input that can be set from outside, addressed as {@code node/field}. {@code type} is
 * the definition's type (INT, FLOAT, STRING, BOOLEAN, COMBO) or, without one, the literal's.
 */
public record Parameter(
    String nodeId,
    String field,
    String type,
    JsonNode value,
    @Nullable JsonNode defaultValue,
    @Nullable String title) {

  public String target() {
    return nodeId + "/" + field;
  }
}
