package io.gpufleet.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A place in a parsed YAML or JSON document, which knows its path so that a failed assertion says
 * where it looked ({@code deployment.yaml#0.spec.template.spec.containers[0]}).
 */
record Node(@Nullable Object value, String path) {

  /** The value at a dotted path of map keys; a missing key gives a node without a value. */
  Node at(String dottedPath) {
    Node node = this;
    for (String key : dottedPath.split("\\.")) {
      node = node.get(key);
    }
    return node;
  }

  /** One map key, for keys with dots in them (annotations, labels). */
  Node get(String key) {
    Object found = value instanceof Map<?, ?> map ? map.get(key) : null;
    return new Node(found, path + "." + key);
  }

  boolean exists() {
    return value != null;
  }

  String string() {
    if (value == null) {
      throw new AssertionError(path + " is missing");
    }
    if (value instanceof Map || value instanceof List) {
      throw new AssertionError(path + " is not a scalar but " + value);
    }
    return String.valueOf(value);
  }

  @Nullable String stringOrNull() {
    return value == null ? null : string();
  }

  int integer() {
    if (value instanceof Integer number) {
      return number;
    }
    throw new AssertionError(path + " is not a whole number but " + value);
  }

  List<Node> list() {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw new AssertionError(path + " is not a list but " + value);
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      nodes.add(new Node(items.get(i), path + "[" + i + "]"));
    }
    return nodes;
  }

  Map<String, Node> entries() {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw new AssertionError(path + " is not a map but " + value);
    }
    Map<String, Node> nodes = new LinkedHashMap<>();
    map.forEach((k, v) -> nodes.put(String.valueOf(k), new Node(v, path + "." + k)));
    return nodes;
  }

  /** A map of scalars ({@code labels}, {@code data}, {@code environment}) as strings. */
  Map<String, String> strings() {
    Map<String, String> strings = new LinkedHashMap<>();
    entries().forEach((k, v) -> strings.put(k, v.value == null ? "" : v.string()));
    return strings;
  }

  /** The first item of a list whose field has the value: {@code containers} by {@code name}. */
  Node item(String field, String wanted) {
    return list().stream()
        .filter(n -> wanted.equals(n.get(field).stringOrNull()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(path + " has no item with " + field + "=" + wanted));
  }

  String kind() {
    return get("kind").string();
  }

  String name() {
    return at("metadata.name").string();
  }
}
