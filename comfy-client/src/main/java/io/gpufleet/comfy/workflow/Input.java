package io.gpufleet.comfy.workflow;

import tools.jackson.databind.JsonNode;

/** One input of an API-format node: a literal widget value or a link to another node's output. */
public sealed interface Input {

  /** A literal value (number, string, boolean, or a {@code {"__value__": [...]}} wrapped list). */
  record Literal(JsonNode value) implements Input {
    public static Literal of(Object value) {
      return new Literal(Json.MAPPER.valueToTree(value));
    }
  }

  /** Output {@code slot} of node {@code nodeId}; serialised as {@code ["nodeId", slot]}. */
  record Link(String nodeId, int slot) implements Input {}
}
