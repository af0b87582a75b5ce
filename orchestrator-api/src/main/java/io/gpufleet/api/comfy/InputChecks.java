package io.gpufleet.api.comfy;

import io.gpufleet.comfy.workflow.InputSpec;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One input of a node as ComfyUI's validation sees it ({@link PromptValidator} walks the graph): a
 * literal's type, bounds and list, a link's types, and the error object ComfyUI reports with its
 * {@code extra_info} ({@code input_name}, {@code input_config}, {@code received_value}).
 */
final class InputChecks {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private InputChecks() {}

  /** A literal value against its input: numbers converted and bounded, combos listed. */
  static @Nullable ObjectNode literal(InputSpec in, JsonNode v, Predicate<String> isUpload) {
    switch (in.type()) {
      case "INT":
      case "FLOAT":
        BigDecimal number;
        try {
          number = v.isNumber() ? v.decimalValue() : new BigDecimal(v.asString().strip());
        } catch (RuntimeException e) {
          return error(
              "invalid_input_type",
              "Failed to convert an input value to a " + in.type() + " value",
              in.name() + ", " + v + ", could not convert",
              in,
              v);
        }
        if (in.min() != null && number.compareTo(in.min()) < 0) {
          return error(
              "value_smaller_than_min",
              "Value " + number + " smaller than min of " + in.min(),
              in.name(),
              in,
              v);
        }
        if (in.max() != null && number.compareTo(in.max()) > 0) {
          return error(
              "value_bigger_than_max",
              "Value " + number + " bigger than max of " + in.max(),
              in.name(),
              in,
              v);
        }
        return null;
      case "COMBO":
        String value = v.isString() ? v.asString() : null;
        if (value != null && in.options().contains(value)) {
          return null;
        }
        if (in.imageUpload()) {
          // LoadImage validates itself (the combo check is skipped): a file it can open
          if (value != null && isUpload.test(value)) {
            return null;
          }
          return error(
              "custom_validation_failed",
              "Custom validation failed for node",
              in.name() + " - Invalid image file: " + (value == null ? v : value),
              in,
              v);
        }
        List<String> options = in.options();
        String shown =
            options.size() > 20 ? "(list of length " + options.size() + ")" : options.toString();
        return error(
            "value_not_in_list",
            "Value not in list",
            in.name() + ": '" + (value == null ? v.toString() : value) + "' not in " + shown,
            in,
            v);
      case "STRING":
      case "BOOLEAN":
        return null;
      default:
        // a socket type given a literal: ComfyUI reads it as a malformed link
        return error(
            "bad_linked_input",
            "Bad linked input, must be a length-2 list of [node_id, slot_index]",
            in.name(),
            in,
            v);
    }
  }

  /** Equal types, overlapping comma-separated unions, or a custom "any" type ({@code *}). */
  static boolean compatible(String received, String expected) {
    if (received.equals(expected) || "*".equals(received) || "*".equals(expected)) {
      return true;
    }
    if ("COMBO".equals(received) && "COMBO".equals(expected)) {
      return true;
    }
    Set<String> a = new HashSet<>(Arrays.asList(received.split(",")));
    for (String t : expected.split(",")) {
      if (a.contains(t)) {
        return true;
      }
    }
    return false;
  }

  static ObjectNode error(
      String type, String message, String details, InputSpec in, @Nullable JsonNode received) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.put("message", message);
    e.put("details", details);
    ObjectNode extra = e.putObject("extra_info");
    extra.put("input_name", in.name());
    if (in.isCombo() && in.options().size() > 20) {
      extra.putNull("input_config");
    } else {
      ArrayNode config = extra.putArray("input_config");
      if (in.isCombo()) {
        ArrayNode opts = config.addArray();
        in.options().forEach(opts::add);
      } else {
        config.add(in.type());
      }
      config.add(in.config().deepCopy());
    }
    if (received != null) {
      extra.set("received_value", received);
    }
    return e;
  }
}
