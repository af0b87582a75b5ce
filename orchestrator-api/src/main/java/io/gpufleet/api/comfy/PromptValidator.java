package io.gpufleet.api.comfy;

import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.comfy.workflow.NodeDefinition;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's validation of an API-format prompt (its {@code execution.validate_prompt}): every node
 * must name a known class, there must be an output node, and each output is checked with everything
 * upstream of it; only nodes with reasons of their own are listed. An output that fails leaves the
 * others to run; when all fail, the prompt is refused with ComfyUI's 400 body. Pure: the node
 * definitions (the fleet's union) and which values name the caller's uploads are its arguments.
 */
final class PromptValidator {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private PromptValidator() {}

  /** {@code error}: the whole 400 body, else the outputs that run and the others' node errors. */
  record Result(@Nullable ObjectNode error, List<String> outputs, ObjectNode nodeErrors) {}

  static Result validate(
      JsonNode prompt,
      @Nullable NodeDefinitions definitions,
      @Nullable JsonNode partialTargets,
      Predicate<String> isUpload,
      Set<String> knownOutputClasses) {
    for (Map.Entry<String, JsonNode> e : prompt.properties()) {
      JsonNode classType = e.getValue().path("class_type");
      if (!classType.isString()) {
        return refused(
            "invalid_prompt",
            "Cannot execute because a node is missing the class_type property.",
            "Node ID '#" + e.getKey() + "'");
      }
      if (definitions != null && definitions.get(classType.asString()).isEmpty()) {
        return refused(
            "invalid_prompt",
            "Cannot execute because node " + classType.asString() + " does not exist.",
            "Node ID '#" + e.getKey() + "'");
      }
    }
    Set<String> targets = new HashSet<>();
    if (partialTargets != null && partialTargets.isArray()) {
      partialTargets.forEach(t -> targets.add(t.asString("")));
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : prompt.properties()) {
      String cls = e.getValue().path("class_type").asString();
      boolean isOutput =
          definitions == null
              ? knownOutputClasses.contains(cls)
              : definitions.get(cls).map(NodeDefinition::outputNode).orElse(false);
      if (isOutput && (targets.isEmpty() || targets.contains(e.getKey()))) {
        outputs.add(e.getKey());
      }
    }
    if (outputs.isEmpty()) {
      return refused("prompt_no_outputs", "Prompt has no outputs", "");
    }
    if (definitions == null) {
      return new Result(null, outputs, F.objectNode());
    }
    Check check = new Check(prompt, definitions, isUpload);
    Map<String, List<String>> dependents = new LinkedHashMap<>();
    List<String> good = new ArrayList<>();
    for (String output : outputs) {
      Set<String> upstream = new HashSet<>();
      if (check.node(output, upstream)) {
        good.add(output);
      } else {
        for (String id : upstream) {
          if (check.errors.containsKey(id)) {
            dependents.computeIfAbsent(id, k -> new ArrayList<>()).add(output);
          }
        }
      }
    }
    ObjectNode nodeErrors = F.objectNode();
    List<String> lines = new ArrayList<>();
    check.errors.forEach(
        (id, errors) -> {
          ObjectNode ne = nodeErrors.putObject(id);
          ArrayNode list = ne.putArray("errors");
          for (ObjectNode err : errors) {
            list.add(err);
            lines.add(err.path("message").asString("") + ": " + err.path("details").asString(""));
          }
          ArrayNode deps = ne.putArray("dependent_outputs");
          dependents.getOrDefault(id, List.of()).forEach(deps::add);
          ne.put("class_type", prompt.path(id).path("class_type").asString(""));
        });
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

  /** ComfyUI's 400 for a prompt refused as a whole: {@code {error, node_errors: {}}}. */
  static Result refused(String type, String message, String details) {
    return new Result(errorBody(type, message, details, F.objectNode()), List.of(), F.objectNode());
  }

  static ObjectNode errorBody(String type, String message, String details, ObjectNode extra) {
    ObjectNode body = F.objectNode();
    ObjectNode error = body.putObject("error");
    error.put("type", type);
    error.put("message", message);
    error.put("details", details);
    error.set("extra_info", extra);
    body.putObject("node_errors");
    return body;
  }

  /** One walk over a prompt: the errors found so far, by node. */
  private static final class Check {
    final JsonNode prompt;
    final NodeDefinitions definitions;
    final Predicate<String> isUpload;
    final Map<String, List<ObjectNode>> errors = new LinkedHashMap<>();

    Check(JsonNode prompt, NodeDefinitions definitions, Predicate<String> isUpload) {
      this.prompt = prompt;
      this.definitions = definitions;
      this.isUpload = isUpload;
    }

    /** Validates {@code id} and everything upstream; true when no error was found on the way. */
    boolean node(String id, Set<String> seen) {
      if (!seen.add(id)) {
        return !errors.containsKey(id);
      }
      JsonNode node = prompt.get(id);
      NodeDefinition def = definitions.get(node.path("class_type").asString()).orElseThrow();
      JsonNode inputs = node.path("inputs");
      List<ObjectNode> found = new ArrayList<>();
      boolean upstreamOk = true;
      for (InputSpec in : def.inputs()) {
        JsonNode v = inputs.get(in.name());
        if (v == null || v.isNull()) {
          if (in.required()) {
            found.add(
                InputChecks.error(
                    "required_input_missing", "Required input is missing", in.name(), in, null));
          }
          continue;
        }
        if (v.isArray()) {
          ObjectNode linkError = link(in, (ArrayNode) v);
          if (linkError != null) {
            found.add(linkError);
          } else {
            upstreamOk &= node(v.get(0).asString(), seen);
          }
          continue;
        }
        ObjectNode literalError = InputChecks.literal(in, v, isUpload);
        if (literalError != null) {
          found.add(literalError);
        }
      }
      if (!found.isEmpty()) {
        errors.put(id, found);
        return false;
      }
      return upstreamOk;
    }

    private @Nullable ObjectNode link(InputSpec in, ArrayNode v) {
      if (v.size() != 2) {
        return InputChecks.error(
            "bad_linked_input",
            "Bad linked input, must be a length-2 list of [node_id, slot_index]",
            in.name(),
            in,
            v);
      }
      JsonNode source = v.get(0).isString() ? prompt.get(v.get(0).asString()) : null;
      if (source == null || !v.get(1).isIntegralNumber()) {
        return InputChecks.error(
            "exception_during_validation",
            "Exception when validating node",
            in.name() + ": link to missing node " + v.get(0),
            in,
            v);
      }
      int slot = v.get(1).asInt();
      String sourceType =
          definitions
              .get(source.path("class_type").asString())
              .filter(d -> slot >= 0 && slot < d.outputTypes().size())
              .map(d -> d.outputTypes().get(slot))
              .orElse(null);
      if (sourceType == null) {
        return InputChecks.error(
            "exception_during_validation",
            "Exception when validating node",
            in.name() + ": output index out of range",
            in,
            v);
      }
      if (!InputChecks.compatible(sourceType, in.type())) {
        return InputChecks.error(
            "return_type_mismatch",
            "Return type mismatch between linked nodes",
            in.name()
                + ", received_type("
                + sourceType
                + ") mismatch input_type("
                + in.type()
                + ")",
            in,
            v);
      }
      return null;
    }
  }
}
