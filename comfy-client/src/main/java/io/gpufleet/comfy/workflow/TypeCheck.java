package io.gpufleet.comfy.workflow;

import java.math.BigDecimal;
import tools.jackson.databind.JsonNode;

final class TypeCheck {
  private TypeCheck() {}

  static void against(InputSpec spec, JsonNode value, String target) {
    switch (spec.type()) {
      case "INT":
        require(value.isIntegralNumber(), target, "an integer", value);
        bounds(spec, value.decimalValue(), target);
        break;
      case "FLOAT":
        require(value.isNumber(), target, "a number", value);
        bounds(spec, value.decimalValue(), target);
        break;
      case "STRING":
        require(value.isString(), target, "a string", value);
        break;
      case "BOOLEAN":
        require(value.isBoolean(), target, "a boolean", value);
        break;
      case "COMBO":
        require(value.isString(), target, "one of the listed values", value);
        if (!spec.options().contains(value.asString())) {
          throw new WorkflowException(
              target + ": '" + value.asString() + "' not in " + spec.options());
        }
        break;
      default:
        throw new WorkflowException(target + " takes a link of type " + spec.type());
    }
  }

  static void likeCurrent(JsonNode current, JsonNode value, String target) {
    if (current.isIntegralNumber()) {
      require(value.isIntegralNumber(), target, "an integer", value);
    } else if (current.isNumber()) {
      require(value.isNumber(), target, "a number", value);
    } else if (current.isString()) {
      require(value.isString(), target, "a string", value);
    } else if (current.isBoolean()) {
      require(value.isBoolean(), target, "a boolean", value);
    } else {
      require(
          current.getNodeType() == value.getNodeType(),
          target,
          current.getNodeType().name(),
          value);
    }
  }

  private static void require(boolean ok, String target, String expected, JsonNode got) {
    if (!ok) {
      throw new WorkflowException(target + " must be " + expected + ", got " + got);
    }
  }

  private static void bounds(InputSpec spec, BigDecimal value, String target) {
    BigDecimal min = spec.min();
    BigDecimal max = spec.max();
    if (min != null && value.compareTo(min) < 0) {
      throw new WorkflowException(target + " below minimum " + min.toPlainString());
    }
    if (max != null && value.compareTo(max) > 0) {
      throw new WorkflowException(target + " above maximum " + max.toPlainString());
    }
  }
}
