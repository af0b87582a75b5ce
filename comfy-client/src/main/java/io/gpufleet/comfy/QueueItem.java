package io.gpufleet.comfy;

import java.math.BigDecimal;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A queue entry: ComfyUI's 5-tuple [number, prompt_id, prompt, extra_data, outputs]. */
public record QueueItem(
    BigDecimal number, String promptId, JsonNode prompt, JsonNode extraData, List<String> outputs) {
  public QueueItem {
    outputs = List.copyOf(outputs);
  }
}
