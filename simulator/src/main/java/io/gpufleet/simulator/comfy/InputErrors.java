package io.gpufleet.simulator.comfy;

import java.math.BigDecimal;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's per-input validation errors: {@code {type, message, details, extra_info}} with the
 * input's name, its [type, options] config, what was received, as execution.py builds them.
 */
final class InputErrors {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final NodeCatalog catalog;

  InputErrors(NodeCatalog catalog) {
    this.catalog = catalog;
  }

  static ObjectNode missing(NodeCatalog.InputDef in) {
    ObjectNode e = error("required_input_missing", "Required input is missing", in.name());
    e.putObject("extra_info").put("input_name", in.name());
    return e;
  }

  /** A node's own VALIDATE_INPUTS answered {@code reason}. */
  static ObjectNode customFailed(NodeCatalog.InputDef in, String reason) {
    ObjectNode e =
        error(
            "custom_validation_failed",
            "Custom validation failed for node",
            in.name() + " - " + reason);
    e.putObject("extra_info").put("input_name", in.name());
    return e;
  }

  ObjectNode mismatch(NodeCatalog.InputDef in, String receivedType, JsonNode link) {
    ObjectNode e =
        error(
            "return_type_mismatch",
            "Return type mismatch between linked nodes",
            in.name()
                + ", received_type("
                + receivedType
                + ") mismatch input_type("
                + shownType(in)
                + ")");
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    extra.set("input_config", inputConfig(in));
    extra.put("received_type", receivedType);
    extra.set("linked_node", link);
    return e;
  }

  private String shownType(NodeCatalog.InputDef in) {
    return in.isCombo() && in.listChecked() ? Python.list(catalog.options(in)) : in.type();
  }

  /** A classic combo's value must be one of its options, exactly. */
  @Nullable ObjectNode notInList(NodeCatalog.InputDef in, JsonNode v) {
    if (!in.isCombo() || !in.listChecked()) {
      return null;
    }
    List<String> options = catalog.options(in);
    if (v.isString() && options.contains(v.asString())) {
      return null;
    }
    boolean big = options.size() > 20;
    ObjectNode e =
        error(
            "value_not_in_list",
            "Value not in list",
            in.name()
                + ": '"
                + Python.str(v)
                + "' not in "
                + (big ? "(list of length " + options.size() + ")" : Python.list(options)));
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    if (big) {
      extra.putNull("input_config");
    } else {
      extra.set("input_config", inputConfig(in));
    }
    extra.set("received_value", v);
    return e;
  }

  /** Conversion as ComfyUI does it: int() and float() can fail; str() and bool() cannot. */
  @Nullable ObjectNode conversion(NodeCatalog.InputDef in, JsonNode v) {
    if (!"INT".equals(in.type()) && !"FLOAT".equals(in.type())) {
      return null;
    }
    try {
      Python.number(in.type(), v);
      return null;
    } catch (NumberFormatException ex) {
      ObjectNode e =
          error(
              "invalid_input_type",
              "Failed to convert an input value to a " + in.type() + " value",
              in.name() + ", " + Python.str(v) + ", " + ex.getMessage());
      ObjectNode extra = e.putObject("extra_info");
      extra.put("input_name", in.name());
      extra.set("input_config", inputConfig(in));
      extra.set("received_value", v);
      extra.put("exception_message", ex.getMessage());
      return e;
    }
  }

  /** Numbers below min or above max (bounds a node checks itself are not checked). */
  @Nullable ObjectNode bounds(NodeCatalog.InputDef in, JsonNode v) {
    if (!"INT".equals(in.type()) && !"FLOAT".equals(in.type())) {
      return null;
    }
    BigDecimal number = Python.number(in.type(), v);
    JsonNode min = in.config().get("min");
    JsonNode max = in.config().get("max");
    String type = null;
    String message = null;
    if (min != null && min.isNumber() && number.compareTo(min.decimalValue()) < 0) {
      type = "value_smaller_than_min";
      message = "Value " + shown(in, number) + " smaller than min of " + min;
    } else if (max != null && max.isNumber() && number.compareTo(max.decimalValue()) > 0) {
      type = "value_bigger_than_max";
      message = "Value " + shown(in, number) + " bigger than max of " + max;
    }
    if (type == null) {
      return null;
    }
    ObjectNode e = error(type, message, in.name());
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    extra.set("input_config", inputConfig(in));
    if ("INT".equals(in.type())) {
      extra.put("received_value", number.toBigInteger());
    } else {
      extra.put("received_value", number.doubleValue());
    }
    return e;
  }

  private static String shown(NodeCatalog.InputDef in, BigDecimal number) {
    return "INT".equals(in.type())
        ? number.toBigInteger().toString()
        : Double.toString(number.doubleValue());
  }

  /** The input's [type, options] pair as ComfyUI reports it (input_config). */
  private JsonNode inputConfig(NodeCatalog.InputDef in) {
    ArrayNode config = F.arrayNode();
    if (in.isCombo() && in.listChecked()) {
      ArrayNode opts = config.addArray();
      catalog.options(in).forEach(opts::add);
    } else {
      config.add(in.type());
    }
    config.add(in.config().deepCopy());
    return config;
  }

  ObjectNode badLink(NodeCatalog.InputDef in, JsonNode received) {
    ObjectNode e =
        error(
            "bad_linked_input",
            "Bad linked input, must be a length-2 list of [node_id, slot_index]",
            in.name());
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    extra.set("input_config", inputConfig(in));
    extra.set("received_value", received);
    return e;
  }

  static ObjectNode error(String type, String message, String details) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.put("message", message);
    e.put("details", details);
    return e;
  }
}
