package io.gpufleet.comfy;

import java.math.BigDecimal;
import java.util.Map;

/**
 * An accepted prompt. {@code number} is the priority, not a queue position. A 200 may still carry
 * node errors: the failing branches do not run.
 */
public record SubmitResult(String promptId, BigDecimal number, Map<String, NodeError> nodeErrors) {
  public SubmitResult {
    nodeErrors = Map.copyOf(nodeErrors);
  }

  public boolean partiallyRejected() {
    return !nodeErrors.isEmpty();
  }
}
