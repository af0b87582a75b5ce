package io.gpufleet.api.workflows;

import io.gpufleet.comfy.workflow.CommonParameter;
import io.gpufleet.comfy.workflow.Input;
import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.ParameterTarget;
import io.gpufleet.comfy.workflow.Workflow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What an import learns from an API-format graph: the shortcuts mapped to nodes, the inputs a user
 * may set by default (every shortcut target and every LoadImage). What a server needs to run it
 * (node classes, models) is routing's to say.
 */
public final class WorkflowImport {

  static final Map<CommonParameter, String> SHORTCUT_NAMES = new EnumMap<>(CommonParameter.class);

  static {
    SHORTCUT_NAMES.put(CommonParameter.PROMPT, "prompt");
    SHORTCUT_NAMES.put(CommonParameter.NEGATIVE_PROMPT, "negativePrompt");
    SHORTCUT_NAMES.put(CommonParameter.SEED, "seed");
    SHORTCUT_NAMES.put(CommonParameter.STEPS, "steps");
    SHORTCUT_NAMES.put(CommonParameter.CFG, "cfg");
    SHORTCUT_NAMES.put(CommonParameter.SAMPLER, "sampler");
    SHORTCUT_NAMES.put(CommonParameter.SCHEDULER, "scheduler");
    SHORTCUT_NAMES.put(CommonParameter.DENOISE, "denoise");
    SHORTCUT_NAMES.put(CommonParameter.WIDTH, "width");
    SHORTCUT_NAMES.put(CommonParameter.HEIGHT, "height");
    SHORTCUT_NAMES.put(CommonParameter.BATCH_SIZE, "batchSize");
    SHORTCUT_NAMES.put(CommonParameter.CHECKPOINT, "checkpoint");
    SHORTCUT_NAMES.put(CommonParameter.LORA, "loras");
  }

  /**
   * Bounds of well-known fields, for inputs declared without their own: ComfyUI's own limits
   * (KSampler, EmptyLatentImage), except seeds. ComfyUI takes seeds up to 2^64-1; the fleet stores
   * and reports a seed as a signed 64-bit integer, so it takes 0..2^63-1 and refuses larger seeds
   * with a 400 that names the range (docs/api.md).
   */
  private static final Map<String, BigDecimal[]> BOUNDS =
      Map.of(
          "seed", range(0, Long.MAX_VALUE),
          "noise_seed", range(0, Long.MAX_VALUE),
          "steps", range(1, 10_000),
          "cfg", range(0, 100),
          "denoise", range(0, 1),
          "width", range(16, 16_384),
          "height", range(16, 16_384),
          "batch_size", range(1, 4096),
          "strength_model", range(-100, 100),
          "strength_clip", range(-100, 100));

  private WorkflowImport() {}

  /**
   * ComfyUI's limits of a well-known field ({@code steps}, {@code cfg}, …) as [min, max]; null if
   * none.
   */
  public static BigDecimal @Nullable [] limits(String field) {
    return BOUNDS.get(field);
  }

  /** Image sizes: ComfyUI's latents are multiples of 8 on each side. */
  public static boolean isSize(String field) {
    return field.equals("width") || field.equals("height");
  }

  /** Shortcut name to its {@code node/field} targets, in graph order. */
  public static Map<String, List<String>> shortcuts(Workflow graph) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ParameterTarget target : graph.commonParameters()) {
      String name = SHORTCUT_NAMES.get(target.kind());
      if (name == null) {
        continue;
      }
      List<String> targets = out.computeIfAbsent(name, k -> new ArrayList<>());
      if (!targets.contains(target.target())) {
        targets.add(target.target());
      }
    }
    return out;
  }

  /** The inputs offered when the importer designates none. */
  public static List<InputDefinition> defaultInputs(
      Workflow graph, Map<String, List<String>> shortcuts) {
    Set<String> keys = new LinkedHashSet<>();
    shortcuts.forEach(
        (name, targets) -> {
          if (!"loras".equals(name)) {
            keys.addAll(targets);
          }
        });
    for (Node node : graph.nodes().values()) {
      if ("LoadImage".equals(node.classType()) && node.literal("image").isPresent()) {
        keys.add(node.id() + "/image");
      }
    }
    List<InputDefinition> out = new ArrayList<>();
    for (String key : keys) {
      out.add(describe(graph, key, null, null, null));
    }
    return out;
  }

  /** Completes a designated input from the graph: type, default and bounds where not given. */
  static InputDefinition describe(
      Workflow graph,
      String key,
      @Nullable String title,
      @Nullable String description,
      @Nullable InputDefinition given) {
    int slash = key.lastIndexOf('/');
    if (slash <= 0 || slash == key.length() - 1) {
      throw new IllegalArgumentException(key + ": an input is keyed node/field");
    }
    String nodeId = key.substring(0, slash);
    String field = key.substring(slash + 1);
    Node node =
        graph
            .node(nodeId)
            .orElseThrow(() -> new IllegalArgumentException(key + ": no node " + nodeId));
    Input input = node.inputs().get(field);
    if (!(input instanceof Input.Literal)) {
      throw new IllegalArgumentException(
          key + (input == null ? ": the node has no such input" : ": is a link, not a value"));
    }
    JsonNode value = ((Input.Literal) input).value();
    String type =
        "LoadImage".equals(node.classType()) && "image".equals(field) ? "IMAGE" : typeOf(value);
    BigDecimal[] bounds = BOUNDS.get(field);
    String name = node.title() != null ? node.title() : node.classType();
    return new InputDefinition(
        key,
        given != null && given.type() != null ? given.type().toUpperCase(Locale.ROOT) : type,
        given != null && given.title() != null ? given.title() : title != null ? title : name,
        given != null && given.defaultValue() != null ? given.defaultValue() : value,
        given != null && given.description() != null ? given.description() : description,
        given != null && given.min() != null ? given.min() : bounds == null ? null : bounds[0],
        given != null && given.max() != null ? given.max() : bounds == null ? null : bounds[1]);
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
    return "STRING";
  }

  private static BigDecimal[] range(long min, long max) {
    return new BigDecimal[] {BigDecimal.valueOf(min), BigDecimal.valueOf(max)};
  }
}
