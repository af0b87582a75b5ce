package io.gpufleet.api.uploads;

import io.gpufleet.comfy.workflow.Input;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/**
 * How a workflow names uploads: {@code upload:<id>} in any literal, or a bare id in a LoadImage.
 */
public final class UploadReferences {

  static final String PREFIX = "upload:";

  private UploadReferences() {}

  /** The upload a LoadImage value names ({@code upload:<id>} or a bare id), if it names one. */
  static Optional<UUID> referenced(String value) {
    String v = value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : value;
    if (v.length() != 36) {
      return Optional.empty();
    }
    try {
      return Optional.of(UUID.fromString(v));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * The uploads a graph names, by {@code node/field}: any literal {@code upload:<id>}, and a bare
   * id in a LoadImage's {@code image}.
   */
  public static Map<String, UUID> in(Workflow graph) {
    Map<String, UUID> found = new LinkedHashMap<>();
    for (Node node : graph.nodes().values()) {
      node.inputs()
          .forEach(
              (field, input) -> {
                if (!(input instanceof Input.Literal)) {
                  return;
                }
                JsonNode value = ((Input.Literal) input).value();
                if (!value.isString()) {
                  return;
                }
                String v = value.asString();
                boolean named =
                    v.startsWith(PREFIX)
                        || ("LoadImage".equals(node.classType()) && "image".equals(field));
                if (named) {
                  referenced(v).ifPresent(id -> found.put(node.id() + "/" + field, id));
                }
              });
    }
    return found;
  }
}
