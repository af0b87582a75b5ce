package io.gpufleet.comfy.workflow;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/** The node classes a server knows, parsed from {@code /object_info} (both combo shapes). */
public final class NodeDefinitions {
  private final Map<String, NodeDefinition> byName;

  private NodeDefinitions(Map<String, NodeDefinition> byName) {
    this.byName = Collections.unmodifiableMap(byName);
  }

  public static NodeDefinitions of(List<NodeDefinition> definitions) {
    Map<String, NodeDefinition> map = new LinkedHashMap<>();
    definitions.forEach(d -> map.put(d.name(), d));
    return new NodeDefinitions(map);
  }

  public static NodeDefinitions parse(String objectInfoJson) {
    return parse(Json.MAPPER.readTree(objectInfoJson));
  }

  public static NodeDefinitions parse(JsonNode objectInfo) {
    Map<String, NodeDefinition> map = new LinkedHashMap<>();
    objectInfo.forEachEntry((name, info) -> map.put(name, parseOne(name, info)));
    return new NodeDefinitions(map);
  }

  public Optional<NodeDefinition> get(String classType) {
    return Optional.ofNullable(byName.get(classType));
  }

  public Set<String> classTypes() {
    return byName.keySet();
  }

  public int size() {
    return byName.size();
  }

  private static NodeDefinition parseOne(String name, JsonNode info) {
    List<InputSpec> inputs = new ArrayList<>();
    for (String section : List.of("required", "optional")) {
      JsonNode specs = info.path("input").path(section);
      if (!specs.isObject()) {
        continue;
      }
      Set<String> order = new LinkedHashSet<>();
      info.path("input_order").path(section).forEach(n -> order.add(n.asString()));
      order.addAll(specs.propertyNames());
      for (String inputName : order) {
        JsonNode spec = specs.get(inputName);
        if (spec != null) {
          inputs.add(parseSpec(inputName, "required".equals(section), spec));
        }
      }
    }
    List<String> outputs = new ArrayList<>();
    info.path("output").forEach(o -> outputs.add(o.isArray() ? "COMBO" : o.asString()));
    List<String> outputNames = new ArrayList<>();
    info.path("output_name").forEach(o -> outputNames.add(o.asString()));
    return new NodeDefinition(
        name,
        info.path("display_name").asString(name),
        info.path("category").asString(""),
        info.path("output_node").asBoolean(false),
        inputs,
        outputs,
        outputNames);
  }

  static InputSpec parseSpec(String inputName, boolean required, JsonNode spec) {
    JsonNode head = spec.isArray() ? spec.path(0) : spec;
    JsonNode config = spec.isArray() && spec.size() > 1 ? spec.get(1) : Json.NODES.objectNode();
    if (!config.isObject()) {
      config = Json.NODES.objectNode();
    }
    List<String> options = new ArrayList<>();
    String type;
    if (head.isArray()) {
      type = "COMBO";
      head.forEach(o -> options.add(o.asString()));
    } else {
      type = head.asString("*");
      if ("COMBO".equals(type)) {
        config.path("options").forEach(o -> options.add(o.asString()));
      }
    }
    return new InputSpec(inputName, required, type, options, config);
  }
}
