package io.gpufleet.comfy.workflow;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

final class Parameters {
  private static final Map<String, CommonParameter> SAMPLER_FIELDS =
      Map.of(
          "seed", CommonParameter.SEED,
          "noise_seed", CommonParameter.SEED,
          "steps", CommonParameter.STEPS,
          "cfg", CommonParameter.CFG,
          "sampler_name", CommonParameter.SAMPLER,
          "scheduler", CommonParameter.SCHEDULER,
          "denoise", CommonParameter.DENOISE);
  private static final List<String> TEXT_FIELDS = List.of("text", "text_g", "text_l", "prompt");
  private static final List<String> PASS_THROUGH =
      List.of("conditioning", "conditioning_1", "positive");
  private static final int MAX_DEPTH = 8;

  private Parameters() {}

  static List<Parameter> all(Workflow workflow, @Nullable NodeDefinitions definitions) {
    List<Parameter> out = new ArrayList<>();
    for (Node node : workflow.nodes().values()) {
      Optional<NodeDefinition> def =
          definitions == null ? Optional.empty() : definitions.get(node.classType());
      node.inputs()
          .forEach(
              (field, in) -> {
                if (!(in instanceof Input.Literal)) {
                  return;
                }
                JsonNode value = ((Input.Literal) in).value();
                Optional<InputSpec> spec = def.flatMap(d -> d.input(field));
                String type = spec.map(InputSpec::type).orElseGet(() -> typeOf(value));
                JsonNode dflt = spec.map(InputSpec::defaultValue).orElse(null);
                out.add(new Parameter(node.id(), field, type, value, dflt, node.title()));
              });
    }
    return out;
  }

  static String typeOf(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "INT";
    }
    if (value.isNumber()) {
      return "FLOAT";
    }
    if (value.isBoolean()) {
      return "BOOLEAN";
    }
    return value.isString() ? "STRING" : value.getNodeType().name();
  }

  static List<ParameterTarget> common(Workflow workflow) {
    Set<ParameterTarget> out = new LinkedHashSet<>();
    for (Node node : workflow.nodes().values()) {
      boolean sampler =
          node.inputs().containsKey("positive") && node.inputs().containsKey("negative");
      if (sampler) {
        SAMPLER_FIELDS.forEach(
            (field, kind) ->
                node.literal(field)
                    .ifPresent(v -> out.add(new ParameterTarget(kind, node.id(), field, v))));
        node.link("positive")
            .ifPresent(l -> text(workflow, l.nodeId(), CommonParameter.PROMPT, out, 0));
        node.link("negative")
            .ifPresent(l -> text(workflow, l.nodeId(), CommonParameter.NEGATIVE_PROMPT, out, 0));
      }
      literal(node, "width", CommonParameter.WIDTH, out);
      literal(node, "height", CommonParameter.HEIGHT, out);
      literal(node, "batch_size", CommonParameter.BATCH_SIZE, out);
      literal(node, "ckpt_name", CommonParameter.CHECKPOINT, out);
      literal(node, "lora_name", CommonParameter.LORA, out);
    }
    return List.copyOf(out);
  }

  private static void literal(
      Node node, String field, CommonParameter kind, Set<ParameterTarget> out) {
    node.literal(field).ifPresent(v -> out.add(new ParameterTarget(kind, node.id(), field, v)));
  }

  /** Follows a conditioning link back to the node holding the text (through ControlNet etc.). */
  private static void text(
      Workflow workflow, String nodeId, CommonParameter kind, Set<ParameterTarget> out, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    Optional<Node> found = workflow.node(nodeId);
    if (found.isEmpty()) {
      return;
    }
    Node node = found.get();
    for (String field : TEXT_FIELDS) {
      Optional<JsonNode> v = node.literal(field);
      if (v.isPresent() && v.get().isString()) {
        out.add(new ParameterTarget(kind, nodeId, field, v.get()));
        return;
      }
    }
    for (String field : PASS_THROUGH) {
      Optional<Input.Link> link = node.link(field);
      if (link.isPresent()) {
        text(workflow, link.get().nodeId(), kind, out, depth + 1);
        return;
      }
    }
  }
}
