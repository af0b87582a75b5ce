package io.gpufleet.simulator.comfy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** ComfyUI's validation of an API-format prompt, walking back from the output nodes. */
final class PromptValidator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** {@code error} is the 400 body when the whole prompt is refused; else outputs to run. */
  record Result(@Nullable ObjectNode error, List<String> outputs, ObjectNode nodeErrors) {}

  private final NodeCatalog catalog;

  PromptValidator(NodeCatalog catalog) {
    this.catalog = catalog;
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
    if (partialTargets != null && partialTargets.isArray()) {
      partialTargets.forEach(t -> targets.add(t.asString()));
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : prompt.properties()) {
      boolean isOutput =
          catalog
              .get(e.getValue().get("class_type").asString())
              .map(NodeCatalog.NodeDef::outputNode)
              .orElse(false);
      if (isOutput && (targets.isEmpty() || targets.contains(e.getKey()))) {
        outputs.add(e.getKey());
      }
    }
    if (outputs.isEmpty()) {
      return refused("prompt_no_outputs", "Prompt has no outputs", "");
    }
    Map<String, List<ObjectNode>> errorsByNode = new LinkedHashMap<>();
    Map<String, List<String>> dependents = new LinkedHashMap<>();
    List<String> good = new ArrayList<>();
    for (String output : outputs) {
      Set<String> upstream = new HashSet<>();
      boolean ok = check(prompt, output, upstream, errorsByNode);
      if (ok) {
        good.add(output);
      } else {
        for (String id : upstream) {
          if (errorsByNode.containsKey(id)) {
            dependents.computeIfAbsent(id, k -> new ArrayList<>()).add(output);
          }
        }
      }
    }
    ObjectNode nodeErrors = F.objectNode();
    List<String> lines = new ArrayList<>();
    errorsByNode.forEach(
        (id, errors) -> {
          ObjectNode ne = nodeErrors.putObject(id);
          ArrayNode arr = ne.putArray("errors");
          errors.forEach(
              err -> {
                arr.add(err);
                lines.add(
                    err.path("message").asString("") + ": " + err.path("details").asString(""));
              });
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

  /** Validates {@code id} and everything upstream; true when no error was found on the way. */
  private boolean check(
      JsonNode prompt, String id, Set<String> seen, Map<String, List<ObjectNode>> errorsByNode) {
    if (!seen.add(id)) {
      return !errorsByNode.containsKey(id);
    }
    JsonNode node = prompt.get(id);
    NodeCatalog.NodeDef def = catalog.get(node.path("class_type").asString()).orElseThrow();
    JsonNode inputs = node.path("inputs");
    List<ObjectNode> errors = new ArrayList<>();
    boolean upstreamOk = true;
    for (NodeCatalog.InputDef in : def.inputs()) {
      JsonNode v = inputs.get(in.name());
      if (v == null || v.isNull()) {
        if (in.required()) {
          errors.add(
              error("required_input_missing", "Required input is missing", in.name(), in, null));
        }
        continue;
      }
      if (v.isArray()) {
        if (v.size() != 2) {
          errors.add(
              error(
                  "bad_linked_input",
                  "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                  in.name(),
                  in,
                  v));
          continue;
        }
        JsonNode source = v.get(0).isString() ? prompt.get(v.get(0).asString()) : null;
        if (source == null || !v.get(1).isIntegralNumber()) {
          errors.add(
              error(
                  "exception_during_validation",
                  "Exception when validating node",
                  in.name() + ": link to missing node " + v.get(0),
                  in,
                  v));
          continue;
        }
        Optional<NodeCatalog.NodeDef> sourceDef = catalog.get(source.path("class_type").asString());
        int slot = v.get(1).asInt();
        String sourceType =
            sourceDef
                .filter(d -> slot >= 0 && slot < d.outputs().size())
                .map(d -> d.outputs().get(slot))
                .orElse(null);
        if (sourceType == null) {
          errors.add(
              error(
                  "exception_during_validation",
                  "Exception when validating node",
                  in.name() + ": output index out of range",
                  in,
                  v));
          continue;
        }
        if (!sourceType.equals(in.type()) && !(in.isCombo() && "COMBO".equals(sourceType))) {
          errors.add(
              error(
                  "return_type_mismatch",
                  "Return type mismatch between linked nodes",
                  in.name()
                      + ", received_type("
                      + sourceType
                      + ") mismatch input_type("
                      + in.type()
                      + ")",
                  in,
                  v));
          continue;
        }
        upstreamOk &= check(prompt, v.get(0).asString(), seen, errorsByNode);
        continue;
      }
      ObjectNode literalError = literal(in, v);
      if (literalError != null) {
        errors.add(literalError);
      }
    }
    if (!errors.isEmpty()) {
      errorsByNode.put(id, errors);
      return false;
    }
    return upstreamOk;
  }

  private static @Nullable ObjectNode literal(NodeCatalog.InputDef in, JsonNode v) {
    switch (in.type()) {
      case "INT":
      case "FLOAT":
        BigDecimal number;
        try {
          number = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asString());
        } catch (RuntimeException e) {
          return error(
              "invalid_input_type",
              "Failed to convert an input value to a " + in.type() + " value",
              in.name() + ", " + v + ", " + e.getMessage(),
              in,
              v);
        }
        JsonNode min = in.config().get("min");
        JsonNode max = in.config().get("max");
        if (min != null && number.compareTo(min.decimalValue()) < 0) {
          return error(
              "value_smaller_than_min",
              "Value " + number + " smaller than min of " + min,
              in.name(),
              in,
              v);
        }
        if (max != null && number.compareTo(max.decimalValue()) > 0) {
          return error(
              "value_bigger_than_max",
              "Value " + number + " bigger than max of " + max,
              in.name(),
              in,
              v);
        }
        return null;
      case "COMBO":
        List<String> options = in.options().get();
        if (!v.isString() || !options.contains(v.asString())) {
          String shown =
              options.size() > 20 ? "(list of length " + options.size() + ")" : options.toString();
          return error(
              "value_not_in_list",
              "Value not in list",
              in.name() + ": '" + v.asString("") + "' not in " + shown,
              in,
              v);
        }
        return null;
      case "STRING":
      case "BOOLEAN":
        return null;
      default:
        return error(
            "bad_linked_input",
            "Bad linked input, must be a length-2 list of [node_id, slot_index]",
            in.name(),
            in,
            v);
    }
  }

  private static ObjectNode error(
      String type,
      String message,
      String details,
      NodeCatalog.InputDef in,
      @Nullable JsonNode received) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.put("message", message);
    e.put("details", details);
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    ArrayNode config = extra.putArray("input_config");
    if (in.isCombo()) {
      List<String> options = in.options().get();
      if (options.size() > 20) {
        extra.putNull("input_config");
      } else {
        ArrayNode opts = config.addArray();
        options.forEach(opts::add);
        config.add(in.config().deepCopy());
      }
    } else {
      config.add(in.type());
      config.add(in.config().deepCopy());
    }
    if (received != null) {
      extra.set("received_value", received);
    }
    return e;
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
