package io.gpufleet.comfy.workflow;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A node of an API-format workflow. Ids are strings (they may contain {@code :}); never parse them.
 */
public record Node(String id, String classType, Map<String, Input> inputs, @Nullable String title) {

  public Node {
    inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
  }

  public Optional<JsonNode> literal(String field) {
    Input in = inputs.get(field);
    return in instanceof Input.Literal
        ? Optional.of(((Input.Literal) in).value())
        : Optional.empty();
  }

  public Optional<Input.Link> link(String field) {
    Input in = inputs.get(field);
    return in instanceof Input.Link ? Optional.of((Input.Link) in) : Optional.empty();
  }

  Node with(String field, Input value) {
    Map<String, Input> copy = new LinkedHashMap<>(inputs);
    copy.put(field, value);
    return new Node(id, classType, copy, title);
  }
}
