package io.gpufleet.simulator.comfy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI 0.3.64's validation of an API-format prompt (execution.py's validate_prompt and
 * validate_inputs): walks back from the output nodes; refuses unknown classes, missing required
 * inputs, mismatched links, numbers out of bounds and classic combo values not in the list, with
 * ComfyUI's error types, messages and shapes.
 */
final class PromptValidator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * Inputs a node validates itself (VALIDATE_INPUTS): the file must exist, and the combo list is
   * not checked, so names in subfolders or annotated " [output]" pass.
   */
  private static final Map<String, String[]> FILE_INPUTS =
      Map.of(
          "LoadImage", new String[] {"image", "Invalid image file: "},
          "LoadImageMask", new String[] {"image", "Invalid image file: "},
          "LoadAudio", new String[] {"audio", "Invalid audio file: "},
          "LoadVideo", new String[] {"file", "Invalid video file: "});

  /** {@code error} is the 400 body when the whole prompt is refused; else outputs to run. */
  record Result(@Nullable ObjectNode error, List<String> outputs, ObjectNode nodeErrors) {}

  private final NodeCatalog catalog;
  private final FileStore files;
  private final InputErrors checks;

  PromptValidator(NodeCatalog catalog, FileStore files) {
    this.catalog = catalog;
    this.files = files;
    this.checks = new InputErrors(catalog);
  }

  Result validate(JsonNode prompt, @Nullable JsonNode partialTargets) {
    for (Map.Entry<String, JsonNode> e : prompt.properties()) {
      JsonNode classType = e.getValue().get("class_type");
      if (classType == null || !classType.isString()) {
        return refused(
            "invalid_prompt",
            "Cannot execute because a node is missing the class_type property.",
            "Node ID '#" + e.getKey() + "'");
      }
      if (catalog.get(classType.asString()).isEmpty()) {
        return refused(
            "invalid_prompt",
            "Cannot execute because node " + classType.asString() + " does not exist.",
            "Node ID '#" + e.getKey() + "'");
      }
    }
    Set<String> targets = new HashSet<>();
    boolean partial = partialTargets != null && partialTargets.isArray();
    if (partial) {
      partialTargets.forEach(t -> targets.add(t.asString("")));
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : prompt.properties()) {
      boolean isOutput = def(e.getValue()).outputNode();
      if (isOutput && (!partial || targets.contains(e.getKey()))) {
        outputs.add(e.getKey());
      }
    }
    if (outputs.isEmpty()) {
      return refused("prompt_no_outputs", "Prompt has no outputs", "");
    }
    Map<String, @Nullable List<ObjectNode>> validated = new LinkedHashMap<>();
    ObjectNode nodeErrors = F.objectNode();
    List<String> lines = new ArrayList<>();
    List<String> good = new ArrayList<>();
    for (String output : outputs) {
      boolean valid;
      List<ObjectNode> reasons;
      try {
        valid = check(prompt, output, validated);
        reasons = validated.getOrDefault(output, List.of());
      } catch (LinkException ex) {
        valid = false;
        ObjectNode reason =
            InputErrors.error(
                "exception_during_validation", "Exception when validating node", ex.getMessage());
        reason.putObject("extra_info").put("exception_type", ex.type).putArray("traceback");
        reasons = List.of(reason);
        validated.put(output, reasons);
      }
      if (valid) {
        good.add(output);
        continue;
      }
      // Only the output's own reasons make the summary, as in ComfyUI.
      (reasons == null ? List.<ObjectNode>of() : reasons)
          .forEach(
              r ->
                  lines.add(
                      r.path("message").asString("") + ": " + r.path("details").asString("")));
      validated.forEach(
          (id, errors) -> {
            if (errors == null || errors.isEmpty()) {
              return;
            }
            if (!nodeErrors.has(id)) {
              ObjectNode ne = nodeErrors.putObject(id);
              ArrayNode arr = ne.putArray("errors");
              errors.forEach(arr::add);
              ne.putArray("dependent_outputs");
              ne.put("class_type", prompt.path(id).path("class_type").asString(""));
            }
            ((ArrayNode) nodeErrors.get(id).get("dependent_outputs")).add(output);
          });
    }
    if (good.isEmpty()) {
      ObjectNode body = F.objectNode();
      ObjectNode error = body.putObject("error");
      error.put("type", "prompt_outputs_failed_validation");
      error.put("message", "Prompt outputs failed validation");
      error.put("details", String.join("\n", lines));
      error.putObject("extra_info");
      body.set("node_errors", nodeErrors);
      return new Result(body, List.of(), nodeErrors);
    }
    return new Result(null, good, nodeErrors);
  }

  private NodeCatalog.NodeDef def(JsonNode node) {
    return catalog.get(node.path("class_type").asString()).orElseThrow();
  }

  /** A link ComfyUI fails to follow (a KeyError or IndexError in its validation). */
  private static final class LinkException extends RuntimeException {
    final String type;

    LinkException(String type, String message) {
      super(message, null, false, false);
      this.type = type;
    }
  }

  /**
   * Validates {@code id} and what it depends on; records each node's own errors (empty when only
   * something upstream failed) and answers whether it and everything upstream are valid.
   */
  private boolean check(
      JsonNode prompt, String id, Map<String, @Nullable List<ObjectNode>> validated) {
    if (validated.containsKey(id)) {
      return validated.get(id) == null;
    }
    JsonNode node = prompt.get(id);
    NodeCatalog.NodeDef def = def(node);
    JsonNode inputs = node.path("inputs");
    String[] fileInput = FILE_INPUTS.get(def.name());
    List<ObjectNode> errors = new ArrayList<>();
    boolean valid = true;
    // A null entry means valid (or being walked): a cycle does not recurse forever.
    validated.put(id, null);
    for (NodeCatalog.InputDef in : def.inputs()) {
      JsonNode v = inputs.get(in.name());
      if (v == null) {
        if (in.required()) {
          errors.add(InputErrors.missing(in));
        }
        continue;
      }
      if (v.isArray()) {
        if (v.size() != 2) {
          errors.add(checks.badLink(in, v));
          continue;
        }
        String sourceType = linkedType(prompt, v);
        if (!typesMatch(sourceType, in)) {
          errors.add(checks.mismatch(in, sourceType, v));
          continue;
        }
        if (!check(prompt, v.get(0).asString(), validated)) {
          valid = false;
        }
        continue;
      }
      JsonNode value = v.isObject() && v.has("__value__") ? v.get("__value__") : v;
      ObjectNode conversionError = checks.conversion(in, value);
      if (conversionError != null) {
        errors.add(conversionError);
        continue;
      }
      if (fileInput != null && fileInput[0].equals(in.name())) {
        Path file = files.annotated(value.asString(""));
        if (file == null || !Files.exists(file)) {
          errors.add(InputErrors.customFailed(in, fileInput[1] + value.asString("")));
        }
        continue;
      }
      ObjectNode valueError = checks.bounds(in, value);
      if (valueError == null) {
        valueError = checks.notInList(in, value);
      }
      if (valueError != null) {
        errors.add(valueError);
      }
    }
    if (!errors.isEmpty() || !valid) {
      validated.put(id, errors);
      return false;
    }
    return true;
  }

  private String linkedType(JsonNode prompt, JsonNode link) {
    JsonNode from = link.get(0);
    JsonNode source = from.isString() ? prompt.get(from.asString()) : null;
    if (source == null) {
      throw new LinkException("KeyError", "'" + from.asString(from.toString()) + "'");
    }
    NodeCatalog.NodeDef def = def(source);
    JsonNode slot = link.get(1);
    int index = slot.isIntegralNumber() ? slot.asInt() : -1;
    if (!slot.isIntegralNumber() || index < 0 || index >= def.outputs().size()) {
      throw new LinkException(
          slot.isIntegralNumber() ? "IndexError" : "TypeError",
          slot.isIntegralNumber()
              ? "tuple index out of range"
              : "tuple indices must be integers or slices, not " + Python.typeName(slot));
    }
    return def.outputs().get(index);
  }

  /**
   * Equal types pass, and comma-separated unions that overlap (execution's validate_node_input).
   */
  private static boolean typesMatch(String received, NodeCatalog.InputDef in) {
    if (in.isCombo()) {
      return "COMBO".equals(received);
    }
    if (received.equals(in.type())) {
      return true;
    }
    Set<String> a = new HashSet<>(Arrays.asList(received.split(",")));
    a.retainAll(Arrays.asList(in.type().split(",")));
    return !a.isEmpty();
  }

  private static Result refused(String type, String message, String details) {
    ObjectNode body = F.objectNode();
    ObjectNode error = body.putObject("error");
    error.put("type", type);
    error.put("message", message);
    error.put("details", details);
    error.putObject("extra_info");
    body.putObject("node_errors");
    return new Result(body, List.of(), F.objectNode());
  }
}
