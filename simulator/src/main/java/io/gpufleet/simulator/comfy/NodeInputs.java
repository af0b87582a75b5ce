package io.gpufleet.simulator.comfy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A node's inputs while it executes: widget values converted as ComfyUI converts them (int(),
 * float(), str(), bool()), an absent optional input at its default, links as {@link Value}s.
 */
final class NodeInputs {
  private final NodeCatalog.NodeDef def;
  private final JsonNode literals;
  private final Map<String, Value> linked;

  NodeInputs(NodeCatalog.NodeDef def, JsonNode literals, Map<String, Value> linked) {
    this.def = def;
    this.literals = literals;
    this.linked = Map.copyOf(linked);
  }

  private @Nullable JsonNode raw(String name) {
    JsonNode v = literals.get(name);
    if (v != null && v.isObject() && v.has("__value__")) {
      v = v.get("__value__");
    }
    if (v == null || v.isNull() || v.isArray()) {
      v = def.input(name).map(i -> i.config().get("default")).orElse(null);
    }
    return v == null || v.isNull() ? null : v;
  }

  int integer(String name) {
    BigDecimal d = decimalValue(name);
    return d == null ? 0 : d.setScale(0, RoundingMode.DOWN).intValue();
  }

  double decimal(String name) {
    BigDecimal d = decimalValue(name);
    return d == null ? 0 : d.doubleValue();
  }

  private @Nullable BigDecimal decimalValue(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    try {
      return new BigDecimal(v.asString().trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  String string(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return "";
    }
    return v.isString() ? v.asString() : v.toString();
  }

  /** Python truthiness, as ComfyUI's bool(): the string "false" is true. */
  boolean bool(String name) {
    JsonNode v = raw(name);
    if (v == null) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      return v.decimalValue().signum() != 0;
    }
    return !v.asString("").isEmpty();
  }

  @Nullable Value optional(String name) {
    return linked.get(name);
  }

  Value value(String name) {
    Value v = linked.get(name);
    if (v == null) {
      throw new NodeBehaviour.NodeFailure(
          "TypeError", def.name() + " missing required input '" + name + "'");
    }
    return v;
  }

  Value.Image image(String name) {
    return as(name, Value.Image.class, "IMAGE");
  }

  Value.Latent latent(String name) {
    return as(name, Value.Latent.class, "LATENT");
  }

  Value.Audio audio(String name) {
    return as(name, Value.Audio.class, "AUDIO");
  }

  Value.Video video(String name) {
    return as(name, Value.Video.class, "VIDEO");
  }

  Value.Mask mask(String name) {
    return as(name, Value.Mask.class, "MASK");
  }

  Value.Opaque opaque(String name) {
    Value v = value(name);
    return v instanceof Value.Opaque ? (Value.Opaque) v : new Value.Opaque("*", "");
  }

  private <T extends Value> T as(String name, Class<T> type, String comfyType) {
    Value v = value(name);
    if (!type.isInstance(v)) {
      throw new NodeBehaviour.NodeFailure(
          "AttributeError", "input '" + name + "' of " + def.name() + " is not a " + comfyType);
    }
    return type.cast(v);
  }
}
