package io.gpufleet.comfy.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Converts a UI-format (litegraph) workflow to the API format, as the frontend's graphToPrompt
 * does: widget values by the definition's input order (skipping UI-only entries such as
 * control_after_generate and the upload button), links through reroutes, bypassed and primitive
 * nodes, muted nodes dropped.
 */
public final class UiWorkflowConverter {
  private static final int MODE_NEVER = 2;
  private static final int MODE_BYPASS = 4;
  private static final Set<String> VIRTUAL =
      Set.of("Reroute", "Note", "MarkdownNote", "PrimitiveNode");
  private static final Set<String> CONTROL_VALUES =
      Set.of("fixed", "increment", "decrement", "randomize");

  private final NodeDefinitions definitions;
  private final Map<Integer, JsonNode> nodesById = new HashMap<>();
  private final Map<Integer, int[]> linkOrigin = new HashMap<>();

  private UiWorkflowConverter(NodeDefinitions definitions) {
    this.definitions = definitions;
  }

  public static Workflow convert(String uiJson, NodeDefinitions definitions) {
    return convert(Json.MAPPER.readTree(uiJson), definitions);
  }

  public static Workflow convert(JsonNode ui, NodeDefinitions definitions) {
    if (!ui.path("nodes").isArray()) {
      throw new WorkflowException("not a UI-format workflow: no nodes array");
    }
    return new UiWorkflowConverter(definitions).run(ui);
  }

  private Workflow run(JsonNode ui) {
    for (JsonNode link : ui.path("links")) {
      if (link.isArray()) {
        linkOrigin.put(link.get(0).asInt(), new int[] {link.get(1).asInt(), link.get(2).asInt()});
      } else if (link.isObject()) {
        linkOrigin.put(
            link.path("id").asInt(),
            new int[] {link.path("origin_id").asInt(), link.path("origin_slot").asInt()});
      }
    }
    ui.path("nodes").forEach(n -> nodesById.put(n.path("id").asInt(), n));
    List<Node> out = new ArrayList<>();
    for (JsonNode n : ui.path("nodes")) {
      String type = n.path("type").asString("");
      int mode = n.path("mode").asInt(0);
      if (VIRTUAL.contains(type) || mode == MODE_NEVER || mode == MODE_BYPASS) {
        continue;
      }
      NodeDefinition def =
          definitions
              .get(type)
              .orElseThrow(
                  () ->
                      new WorkflowException(
                          "unknown node type " + type + " (node " + n.path("id") + ")"));
      out.add(convertNode(n, def));
    }
    return Workflow.of(out);
  }

  private Node convertNode(JsonNode n, NodeDefinition def) {
    Map<String, Integer> linkedInputs = new HashMap<>();
    for (JsonNode in : n.path("inputs")) {
      JsonNode link = in.get("link");
      if (link != null && link.isIntegralNumber()) {
        String name = in.path("widget").path("name").asString(in.path("name").asString());
        linkedInputs.put(name, link.asInt());
      }
    }
    Map<String, Input> inputs = new LinkedHashMap<>();
    JsonNode widgets = n.path("widgets_values");
    int index = 0;
    for (InputSpec spec : def.inputs()) {
      @Nullable JsonNode widgetValue = null;
      if (spec.isWidget()) {
        if (widgets.isObject()) {
          widgetValue = widgets.get(spec.name());
        } else if (index < widgets.size()) {
          widgetValue = widgets.get(index++);
          if (spec.hasControlAfterGenerate()
              && index < widgets.size()
              && isControlValue(widgets.get(index))) {
            index++;
          }
          if (spec.imageUpload()
              && index < widgets.size()
              && "image".equals(widgets.get(index).asString(""))) {
            index++;
          }
        }
      }
      Integer linkId = linkedInputs.get(spec.name());
      Input resolved = linkId == null ? null : resolve(linkId, 0);
      if (resolved != null) {
        inputs.put(spec.name(), resolved);
      } else if (widgetValue != null && !widgetValue.isNull()) {
        inputs.put(
            spec.name(),
            new Input.Literal(widgetValue.isArray() ? wrapList(widgetValue) : widgetValue));
      }
    }
    String title = n.path("title").asString(def.displayName());
    return new Node(String.valueOf(n.path("id").asInt()), def.name(), inputs, title);
  }

  private static boolean isControlValue(JsonNode v) {
    return v.isBoolean() || (v.isString() && CONTROL_VALUES.contains(v.asString()));
  }

  private static JsonNode wrapList(JsonNode list) {
    return Json.NODES.objectNode().set("__value__", list);
  }

  private @Nullable Input resolve(int linkId, int depth) {
    int[] origin = linkOrigin.get(linkId);
    if (origin == null || depth > 64) {
      return null;
    }
    JsonNode source = nodesById.get(origin[0]);
    if (source == null) {
      return null;
    }
    String type = source.path("type").asString("");
    int mode = source.path("mode").asInt(0);
    if ("PrimitiveNode".equals(type)) {
      JsonNode v = source.path("widgets_values").path(0);
      return v.isMissingNode() ? null : new Input.Literal(v);
    }
    if ("Reroute".equals(type) || mode == MODE_BYPASS) {
      String wanted = source.path("outputs").path(origin[1]).path("type").asString("");
      for (JsonNode in : source.path("inputs")) {
        boolean typeMatches = "Reroute".equals(type) || wanted.equals(in.path("type").asString());
        if (typeMatches && in.path("link").isIntegralNumber()) {
          return resolve(in.path("link").asInt(), depth + 1);
        }
      }
      return null;
    }
    if (mode == MODE_NEVER) {
      return null;
    }
    return new Input.Link(String.valueOf(origin[0]), origin[1]);
  }
}
