package io.gpufleet.simulator.comfy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Python's view of JSON values, for messages that read like ComfyUI's and its conversions. */
final class Python {
  private Python() {}

  /** int(v) truncates numbers and parses integer strings; float(v) parses decimals. */
  static BigDecimal number(String type, JsonNode v) {
    boolean integer = "INT".equals(type);
    if (v.isBoolean()) {
      return v.booleanValue() ? BigDecimal.ONE : BigDecimal.ZERO;
    }
    if (v.isNumber()) {
      return integer ? v.decimalValue().setScale(0, RoundingMode.DOWN) : v.decimalValue();
    }
    String text = v.isString() ? v.asString().trim() : null;
    if (text == null || text.isEmpty()) {
      throw new NumberFormatException(
          integer
              ? "int() argument must be a string, a bytes-like object or a real number, not '"
                  + typeName(v)
                  + "'"
              : "could not convert string to float: '" + str(v) + "'");
    }
    try {
      return integer ? new BigDecimal(new BigInteger(text)) : new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new NumberFormatException(
          integer
              ? "invalid literal for int() with base 10: '" + text + "'"
              : "could not convert string to float: '" + text + "'");
    }
  }

  static String str(JsonNode v) {
    if (v.isString()) {
      return v.asString();
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? "True" : "False";
    }
    if (v.isNull()) {
      return "None";
    }
    return v.toString();
  }

  static String typeName(JsonNode v) {
    if (v.isString()) {
      return "str";
    }
    if (v.isIntegralNumber()) {
      return "int";
    }
    if (v.isNumber()) {
      return "float";
    }
    if (v.isBoolean()) {
      return "bool";
    }
    if (v.isNull()) {
      return "NoneType";
    }
    return v.isArray() ? "list" : "dict";
  }

  static String list(List<String> values) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "'" : ", '").append(values.get(i)).append('\'');
    }
    return b.append(']').toString();
  }
}
