package io.gpufleet.comfy;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** One reason a node failed validation, e.g. {@code value_not_in_list} for {@code ckpt_name}. */
public record ValidationError(String type, String message, String details, JsonNode extraInfo) {
  public @Nullable String inputName() {
    JsonNode n = extraInfo.get("input_name");
    return n == null || !n.isString() ? null : n.asString();
  }
}
