package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The node classes a simulated ComfyUI offers, read once from {@code object_info.json} (ComfyUI's
 * core node set in /object_info shape), served as /object_info with this server's model files and
 * uploads in the combos, and used by validation.
 */
final class NodeCatalog {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> SECTIONS = List.of("required", "optional", "hidden");
  private static final ObjectNode LISTS = F.objectNode();
  private static final ObjectNode TEMPLATE = load();
  private static final Map<String, NodeDef> DEFS = definitions(TEMPLATE);

  /**
   * One input. Combos have type COMBO and either literal {@code options} or an {@code
   * optionsSource} ("$models:loras"); {@code listChecked} is true for classic combos, whose value
   * ComfyUI 0.3.64 checks against the list at submit (it does not for combos of V3 nodes).
   */
  record InputDef(
      String name,
      String section,
      String type,
      ObjectNode config,
      List<String> options,
      @Nullable String optionsSource,
      boolean listChecked) {
    boolean isCombo() {
      return "COMBO".equals(type);
    }

    boolean required() {
      return "required".equals(section);
    }
  }

  record NodeDef(
      String name, boolean outputNode, boolean v3, List<InputDef> inputs, List<String> outputs) {
    Optional<InputDef> input(String inputName) {
      return inputs.stream().filter(i -> i.name().equals(inputName)).findFirst();
    }
  }

  private final ModelRegistry models;
  private final FileStore files;

  NodeCatalog(ModelRegistry models, FileStore files) {
    this.models = models;
    this.files = files;
  }

  Optional<NodeDef> get(String classType) {
    return Optional.ofNullable(DEFS.get(classType));
  }

  static List<String> classTypes() {
    return List.copyOf(DEFS.keySet());
  }

  /** The options of a combo as this server has them now. */
  List<String> options(InputDef in) {
    return in.optionsSource() == null ? in.options() : resolve(in.optionsSource());
  }

  ObjectNode objectInfo() {
    ObjectNode out = F.objectNode();
    TEMPLATE.properties().forEach(e -> out.set(e.getKey(), describe(e.getKey(), e.getValue())));
    return out;
  }

  ObjectNode objectInfo(String classType) {
    ObjectNode out = F.objectNode();
    JsonNode template = DEFS.containsKey(classType) ? TEMPLATE.get(classType) : null;
    if (template != null) {
      out.set(classType, describe(classType, template));
    }
    return out;
  }

  private List<String> resolve(String source) {
    if (source.startsWith("$models:")) {
      return models.files(source.substring("$models:".length()));
    }
    switch (source) {
      case "$vae":
        return vaes();
      case "$samplers":
        return list("samplers");
      case "$schedulers":
        return list("schedulers");
      case "$input:image":
        return files.inputFiles(FileStore.Kind.IMAGE);
      case "$input:video":
        return files.inputFiles(FileStore.Kind.VIDEO);
      case "$input:audio":
        return files.inputFiles(FileStore.Kind.AUDIO_OR_VIDEO);
      case "$input:all":
        return files.inputFiles(FileStore.Kind.ANY);
      default:
        throw new IllegalStateException("unknown option source " + source);
    }
  }

  private static List<String> list(String name) {
    List<String> out = new ArrayList<>();
    LISTS.path(name).forEach(n -> out.add(n.asString()));
    return out;
  }

  /** VAE files, the tiny TAESD decoders when both halves are in vae_approx, and pixel_space. */
  private List<String> vaes() {
    List<String> out = new ArrayList<>(models.files("vae"));
    List<String> approx = models.files("vae_approx");
    for (String family : List.of("taesd", "taesdxl", "taesd3", "taef1")) {
      boolean encoder = approx.stream().anyMatch(a -> a.startsWith(family + "_encoder."));
      boolean decoder = approx.stream().anyMatch(a -> a.startsWith(family + "_decoder."));
      if (encoder && decoder) {
        out.add(family);
      }
    }
    out.add("pixel_space");
    return out;
  }

  /** One node's /object_info entry, fields in the order ComfyUI serialises them. */
  private ObjectNode describe(String name, JsonNode t) {
    boolean v3 = t.path("v3").asBoolean(false);
    ObjectNode info = F.objectNode();
    ObjectNode input = info.putObject("input");
    ObjectNode order = F.objectNode();
    if (v3) {
      input.putObject("required");
      order.putArray("required");
    }
    for (String section : SECTIONS) {
      JsonNode specs = t.path("input").get(section);
      if (specs == null) {
        continue;
      }
      ObjectNode target =
          input.has(section) ? (ObjectNode) input.get(section) : input.putObject(section);
      ArrayNode names =
          order.has(section) ? (ArrayNode) order.get(section) : order.putArray(section);
      specs
          .properties()
          .forEach(
              e -> {
                target.set(e.getKey(), spec(e.getValue()));
                names.add(e.getKey());
              });
    }
    info.set("input_order", order);
    JsonNode outputs = t.path("output");
    info.set("output", outputs.deepCopy());
    ArrayNode isList = info.putArray("output_is_list");
    outputs.forEach(o -> isList.add(false));
    info.set(
        "output_name", t.has("output_name") ? t.get("output_name").deepCopy() : outputs.deepCopy());
    if (v3) {
      ArrayNode tooltips = info.putArray("output_tooltips");
      outputs.forEach(o -> tooltips.addNull());
    }
    info.put("name", name);
    if (t.has("display_name")) {
      info.put("display_name", t.get("display_name").asString());
    } else if (v3) {
      info.putNull("display_name");
    } else {
      info.put("display_name", name);
    }
    info.put("description", t.path("description").asString(""));
    info.put("python_module", t.path("python_module").asString("nodes"));
    info.put("category", t.path("category").asString("sd"));
    info.put("output_node", t.path("output_node").asBoolean(false));
    if (v3) {
      info.put("deprecated", t.path("deprecated").asBoolean(false));
      info.put("experimental", t.path("experimental").asBoolean(false));
      info.put("api_node", false);
    } else {
      if (t.path("deprecated").asBoolean(false)) {
        info.put("deprecated", true);
      }
      if (t.path("experimental").asBoolean(false)) {
        info.put("experimental", true);
      }
    }
    return info;
  }

  /** A template spec with its option placeholder replaced by this server's list. */
  private JsonNode spec(JsonNode spec) {
    if (!spec.isArray()) {
      return spec.deepCopy();
    }
    ArrayNode out = (ArrayNode) spec.deepCopy();
    JsonNode head = spec.path(0);
    if (head.isString() && head.asString().startsWith("$")) {
      out.set(0, strings(resolve(head.asString())));
    } else if ("COMBO".equals(head.asString("")) && spec.path(1).path("options").isString()) {
      ((ObjectNode) out.get(1))
          .set("options", strings(resolve(spec.path(1).path("options").asString())));
    }
    return out;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ObjectNode load() {
    try (InputStream in = NodeCatalog.class.getResourceAsStream("object_info.json")) {
      if (in == null) {
        throw new IllegalStateException("object_info.json is missing from the simulator");
      }
      ObjectNode all = (ObjectNode) Exchange.MAPPER.readTree(in);
      LISTS.setAll((ObjectNode) all.get("$lists"));
      ObjectNode nodes = F.objectNode();
      all.properties()
          .forEach(
              e -> {
                if (!e.getKey().startsWith("$")) {
                  nodes.set(e.getKey(), e.getValue());
                }
              });
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, NodeDef> definitions(ObjectNode template) {
    Map<String, NodeDef> defs = new LinkedHashMap<>();
    template.properties().forEach(e -> defs.put(e.getKey(), definition(e.getKey(), e.getValue())));
    return Collections.unmodifiableMap(defs);
  }

  private static NodeDef definition(String name, JsonNode t) {
    boolean v3 = t.path("v3").asBoolean(false);
    List<InputDef> inputs = new ArrayList<>();
    for (String section : List.of("required", "optional")) {
      t.path("input")
          .path(section)
          .properties()
          .forEach(e -> inputs.add(inputDef(e.getKey(), section, e.getValue())));
    }
    List<String> outputs = new ArrayList<>();
    t.path("output").forEach(o -> outputs.add(o.asString()));
    return new NodeDef(
        name,
        t.path("output_node").asBoolean(false),
        v3,
        List.copyOf(inputs),
        List.copyOf(outputs));
  }

  private static InputDef inputDef(String name, String section, JsonNode spec) {
    JsonNode head = spec.path(0);
    ObjectNode config =
        spec.path(1).isObject() ? (ObjectNode) spec.get(1).deepCopy() : F.objectNode();
    if (head.isArray() || head.isString() && head.asString().startsWith("$")) {
      List<String> literal = new ArrayList<>();
      head.forEach(o -> literal.add(o.asString()));
      return new InputDef(
          name,
          section,
          "COMBO",
          config,
          List.copyOf(literal),
          head.isString() ? head.asString() : null,
          true);
    }
    String type = head.asString();
    if ("COMBO".equals(type)) {
      JsonNode options = config.remove("options");
      List<String> literal = new ArrayList<>();
      String source = null;
      if (options != null && options.isString()) {
        source = options.asString();
      } else if (options != null) {
        options.forEach(o -> literal.add(o.asString()));
      }
      return new InputDef(name, section, type, config, List.copyOf(literal), source, false);
    }
    return new InputDef(name, section, type, config, List.of(), null, false);
  }
}
