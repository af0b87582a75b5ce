package io.gpufleet.simulator.vast;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Vast's operator query language over flat JSON-like maps: {@code {"field":{"gte":1,"lte":5}}} with
 * eq, neq, gt, gte, lt, lte, in, notin; numbers may arrive as strings. {@code geolocation} is
 * compared by its trailing country code, as Vast does.
 */
final class Filters {
  static final Set<String> CONTROL_KEYS =
      Set.of("order", "type", "limit", "allocated_storage", "disable_bundling", "select_cols");

  private Filters() {}

  /** Thrown for a clause Vast would reject with 400 invalid_request. */
  static final class InvalidQuery extends RuntimeException {
    InvalidQuery(String message) {
      super(message);
    }
  }

  static boolean matches(JsonNode query, Map<String, Object> row) {
    for (Map.Entry<String, JsonNode> clause : query.properties()) {
      if (CONTROL_KEYS.contains(clause.getKey())) {
        continue;
      }
      Object value = row.get(clause.getKey());
      if (clause.getKey().equals("geolocation") && value instanceof String place) {
        String trimmed = place.trim();
        value = trimmed.length() >= 2 ? trimmed.substring(trimmed.length() - 2) : trimmed;
      }
      JsonNode ops = clause.getValue();
      if (!ops.isObject()) {
        if (!equal(value, ops)) {
          return false;
        }
        continue;
      }
      for (Map.Entry<String, JsonNode> op : ops.properties()) {
        if (!holds(op.getKey(), value, op.getValue())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean holds(String operator, @Nullable Object value, JsonNode operand) {
    switch (operator) {
      case "eq":
        return equal(value, operand);
      case "neq":
        return !equal(value, operand);
      case "gt":
        return compare(value, operand) > 0;
      case "gte":
        return compare(value, operand) >= 0 && value != null;
      case "lt":
        return compare(value, operand) < 0 && value != null;
      case "lte":
        return compare(value, operand) <= 0 && value != null;
      case "in":
        return anyEqual(value, operand);
      case "notin":
        return !anyEqual(value, operand);
      default:
        throw new InvalidQuery("unknown operator " + operator);
    }
  }

  private static boolean anyEqual(@Nullable Object value, JsonNode list) {
    if (!list.isArray()) {
      throw new InvalidQuery("in/notin need a list");
    }
    for (JsonNode candidate : list.values()) {
      if (equal(value, candidate)) {
        return true;
      }
    }
    return false;
  }

  static boolean equal(@Nullable Object value, JsonNode operand) {
    if (operand.isNull() || (operand.isString() && operand.asString().matches("None|null"))) {
      return value == null;
    }
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return operand.isBoolean()
          ? operand.booleanValue() == b
          : operand.asString().equalsIgnoreCase(b.toString());
    }
    if (value instanceof Number n) {
      Double d = number(operand);
      return d != null && Double.compare(d, n.doubleValue()) == 0;
    }
    return value.toString().equals(operand.asString());
  }

  /** Below zero when value sorts before operand; missing values never satisfy a bound. */
  private static int compare(@Nullable Object value, JsonNode operand) {
    if (value == null) {
      return Integer.MIN_VALUE;
    }
    Double bound = number(operand);
    if (value instanceof Number n && bound != null) {
      return Double.compare(n.doubleValue(), bound);
    }
    return value.toString().compareTo(operand.asString());
  }

  private static @Nullable Double number(JsonNode node) {
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isString()) {
      try {
        return Double.parseDouble(node.asString().trim());
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }

  /** {@code [["dph_total","asc"],...]} as a comparator; unknown shapes are rejected. */
  static Comparator<Map<String, Object>> order(@Nullable JsonNode order) {
    List<Comparator<Map<String, Object>>> keys = new ArrayList<>();
    for (JsonNode pair : order == null ? List.<JsonNode>of() : order.values()) {
      if (!pair.isArray() || pair.size() < 1) {
        throw new InvalidQuery("order entries are [field, direction]");
      }
      String field = pair.get(0).asString();
      boolean desc = pair.size() > 1 && pair.get(1).asString().equalsIgnoreCase("desc");
      Comparator<Map<String, Object>> key =
          Comparator.comparing(row -> sortable(row.get(field)), Filters::compareSortable);
      keys.add(desc ? key.reversed() : key);
    }
    Comparator<Map<String, Object>> byId =
        Comparator.comparingLong(
            row -> ((Number) Objects.requireNonNull(row.get("id"))).longValue());
    return keys.stream()
        .reduce(Comparator::thenComparing)
        .map(c -> c.thenComparing(byId))
        .orElse(byId);
  }

  private static Comparable<?> sortable(@Nullable Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    return value == null ? "" : value.toString();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareSortable(Comparable a, Comparable b) {
    if (a.getClass() != b.getClass()) {
      return a instanceof Double ? -1 : 1;
    }
    return a.compareTo(b);
  }
}
