package io.gpufleet.api.generations;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ApiException.FieldProblem;
import io.gpufleet.api.workflows.InputDefinition;
import io.gpufleet.api.workflows.WorkflowImport;
import io.gpufleet.api.workflows.WorkflowModel;
import io.gpufleet.comfy.workflow.Input;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.comfy.workflow.WorkflowException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Checks a request's inputs against a workflow and applies them: keys are designated inputs ({@code
 * node/field}) or the shortcuts the workflow maps; unknown keys, wrong types and values out of
 * range are field errors, all reported at once. A seed of -1 (or none) becomes a random one.
 */
final class InputResolver {

  /** Random seeds stay below 2^53, so they survive every JSON client unchanged. */
  static final long RANDOM_SEED_BOUND = 1L << 53;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private InputResolver() {}

  /** The graph to run and the seed it runs with (null when the workflow has none). */
  record Resolved(Workflow snapshot, @Nullable Long seed) {}

  static Resolved resolve(
      WorkflowModel workflow, Map<String, JsonNode> inputs, RandomGenerator random) {
    List<FieldProblem> problems = new ArrayList<>();
    Map<String, JsonNode> targets = new LinkedHashMap<>();
    JsonNode seedValue = null;
    for (Map.Entry<String, JsonNode> entry : inputs.entrySet()) {
      String key = entry.getKey();
      JsonNode value = entry.getValue();
      String field = "inputs." + key;
      if ("loras".equals(key)) {
        loras(workflow, value, targets, problems);
        continue;
      }
      List<String> mapped;
      if (key.contains("/")) {
        if (workflow.input(key).isEmpty()) {
          problems.add(new FieldProblem(field, "not an input of this workflow"));
          continue;
        }
        mapped = List.of(key);
      } else {
        mapped = workflow.shortcuts().get(key);
        if (mapped == null || mapped.isEmpty()) {
          problems.add(
              new FieldProblem(
                  field,
                  "unknown input; use node/field keys from GET /workflows/{id}/inputs"
                      + " or a shortcut the workflow maps"));
          continue;
        }
      }
      boolean isSeed = isSeedTarget(workflow, mapped.get(0));
      if (isSeed && value.isIntegralNumber() && value.asLong() == -1) {
        seedValue = value;
        continue;
      }
      String problem = check(workflow, mapped.get(0), value);
      if (problem != null) {
        problems.add(new FieldProblem(field, problem));
        continue;
      }
      if (isSeed) {
        seedValue = value;
      }
      mapped.forEach(t -> targets.put(t, value));
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid("The inputs do not fit the workflow", problems);
    }
    List<String> seedTargets = workflow.shortcuts().getOrDefault("seed", List.of());
    Long seed = null;
    if (!seedTargets.isEmpty()) {
      seed =
          seedValue == null || seedValue.asLong() == -1
              ? random.nextLong(RANDOM_SEED_BOUND)
              : seedValue.asLong();
      for (String t : seedTargets) {
        targets.put(t, NODES.numberNode(seed));
      }
    }
    Workflow snapshot = workflow.graph();
    for (Map.Entry<String, JsonNode> t : targets.entrySet()) {
      try {
        snapshot = snapshot.with(t.getKey(), t.getValue(), null);
      } catch (WorkflowException e) {
        problems.add(new FieldProblem("inputs." + t.getKey(), e.getMessage()));
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.invalid("The inputs do not fit the workflow", problems);
    }
    return new Resolved(snapshot, seed);
  }

  /** The same graph with a fresh seed everywhere the workflow seeds. */
  static Resolved reseed(Workflow snapshot, List<String> seedTargets, RandomGenerator random) {
    long seed = random.nextLong(RANDOM_SEED_BOUND);
    Workflow out = snapshot;
    for (String t : seedTargets) {
      if (literal(snapshot, t) != null) {
        out = out.with(t, NODES.numberNode(seed), null);
      }
    }
    return new Resolved(out, seedTargets.isEmpty() ? null : seed);
  }

  private static boolean isSeedTarget(WorkflowModel workflow, String target) {
    return workflow.shortcuts().getOrDefault("seed", List.of()).contains(target);
  }

  private static @Nullable String check(WorkflowModel workflow, String target, JsonNode value) {
    InputDefinition def = workflow.input(target).orElse(null);
    JsonNode current = literal(workflow.graph(), target);
    String type = def != null ? def.type() : current == null ? "STRING" : typeOf(current);
    switch (type) {
      case "INT":
        if (!value.isIntegralNumber()) {
          return "must be an integer";
        }
        if (!value.canConvertToLong()) {
          return "is out of range; at most " + Long.MAX_VALUE;
        }
        return bounds(def, target, value.decimalValue());
      case "FLOAT":
        if (!value.isNumber()) {
          return "must be a number";
        }
        if ((value.isDouble() || value.isFloat()) && !Double.isFinite(value.doubleValue())) {
          return "must be a finite number"; // 1e400 read as a double
        }
        return bounds(def, target, value.decimalValue());
      case "BOOLEAN":
        return value.isBoolean() ? null : "must be true or false";
      case "IMAGE":
      case "STRING":
      default:
        if (!value.isString()) {
          return "must be a string";
        }
        return value.asString().length() > 10_000 ? "must be at most 10000 characters" : null;
    }
  }

  /**
   * The input's declared bounds, else ComfyUI's limits for its well-known fields (steps, cfg,
   * sizes, batch, seed: {@link WorkflowImport#limits}); sizes also a multiple of 8.
   */
  private static @Nullable String bounds(
      @Nullable InputDefinition def, String target, BigDecimal value) {
    String field = target.substring(target.lastIndexOf('/') + 1);
    BigDecimal[] known = WorkflowImport.limits(field);
    BigDecimal min = def != null && def.min() != null ? def.min() : known == null ? null : known[0];
    BigDecimal max = def != null && def.max() != null ? def.max() : known == null ? null : known[1];
    if (min != null && value.compareTo(min) < 0) {
      return "must be at least " + min.toPlainString();
    }
    if (max != null && value.compareTo(max) > 0) {
      return "must be at most " + max.toPlainString();
    }
    if (WorkflowImport.isSize(field)
        && value.remainder(BigDecimal.valueOf(8)).compareTo(BigDecimal.ZERO) != 0) {
      return "must be a multiple of 8";
    }
    return null;
  }

  /** {@code "name:0.8"} or a list of them, onto the workflow's LoRA loaders in order. */
  private static void loras(
      WorkflowModel workflow,
      JsonNode value,
      Map<String, JsonNode> targets,
      List<FieldProblem> problems) {
    List<String> loaders = workflow.shortcuts().getOrDefault("loras", List.of());
    List<JsonNode> items = new ArrayList<>();
    if (value.isArray()) {
      value.forEach(items::add);
    } else {
      items.add(value);
    }
    if (items.size() > loaders.size()) {
      problems.add(
          new FieldProblem(
              "inputs.loras",
              "the workflow has "
                  + loaders.size()
                  + " LoRA loader(s); "
                  + items.size()
                  + " given"));
      return;
    }
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      String text = item.isString() ? item.asString() : "";
      int colon = text.lastIndexOf(':');
      String name = colon < 0 ? text : text.substring(0, colon);
      BigDecimal strength;
      try {
        strength = colon < 0 ? BigDecimal.ONE : new BigDecimal(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        strength = null;
      }
      if (name.isBlank() || strength == null) {
        problems.add(new FieldProblem("inputs.loras[" + i + "]", "must look like name:0.8"));
        continue;
      }
      String loader = loaders.get(i);
      String node = loader.substring(0, loader.lastIndexOf('/'));
      targets.put(loader, NODES.stringNode(name));
      for (String f : List.of("strength_model", "strength_clip")) {
        if (literal(workflow.graph(), node + "/" + f) != null) {
          targets.put(node + "/" + f, NODES.numberNode(strength.doubleValue()));
        }
      }
    }
  }

  private static @Nullable JsonNode literal(Workflow graph, String target) {
    int slash = target.lastIndexOf('/');
    return graph
        .node(target.substring(0, slash))
        .map(n -> n.inputs().get(target.substring(slash + 1)))
        .filter(Input.Literal.class::isInstance)
        .map(in -> ((Input.Literal) in).value())
        .orElse(null);
  }

  private static String typeOf(JsonNode value) {
    if (value.isIntegralNumber()) {
      return "INT";
    }
    if (value.isNumber()) {
      return "FLOAT";
    }
    return value.isBoolean() ? "BOOLEAN" : "STRING";
  }
}
