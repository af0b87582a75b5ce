package io.gpufleet.comfy.workflow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The graph checks ComfyUI's {@code validate_prompt} makes before it runs anything, on the whole
 * graph at once: every link names a node that exists and one of its outputs (a slot below its
 * class's output count, when the definitions are known), and no node depends on itself through its
 * links. Iterative, so a chain of many thousand nodes costs no stack.
 */
final class GraphCheck {

  private GraphCheck() {}

  static List<String> problems(Workflow workflow, @Nullable NodeDefinitions definitions) {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> pendingInputs = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (Node node : workflow.nodes().values()) {
      int links = 0;
      for (Map.Entry<String, Input> in : node.inputs().entrySet()) {
        if (!(in.getValue() instanceof Input.Link)) {
          continue;
        }
        Input.Link link = (Input.Link) in.getValue();
        String at = "node " + node.id() + " input " + in.getKey();
        Node source = workflow.nodes().get(link.nodeId());
        if (source == null) {
          problems.add(at + " links to node " + link.nodeId() + ", which does not exist");
          continue;
        }
        if (link.slot() < 0) {
          problems.add(at + " links to output " + link.slot() + " of node " + link.nodeId());
          continue;
        }
        if (definitions != null) {
          int outputs =
              definitions.get(source.classType()).map(d -> d.outputTypes().size()).orElse(-1);
          if (outputs >= 0 && link.slot() >= outputs) {
            problems.add(
                at
                    + " links to output "
                    + link.slot()
                    + " of node "
                    + link.nodeId()
                    + " ("
                    + source.classType()
                    + " has "
                    + outputs
                    + ")");
            continue;
          }
        }
        links++;
        dependents.computeIfAbsent(link.nodeId(), k -> new ArrayList<>()).add(node.id());
      }
      pendingInputs.put(node.id(), links);
    }
    if (!problems.isEmpty()) {
      return problems;
    }
    // Kahn's algorithm: what never becomes free of pending inputs sits on a cycle
    Deque<String> free = new ArrayDeque<>();
    pendingInputs.forEach(
        (id, n) -> {
          if (n == 0) {
            free.add(id);
          }
        });
    int ordered = 0;
    while (!free.isEmpty()) {
      String id = free.poll();
      ordered++;
      for (String dependent : dependents.getOrDefault(id, List.of())) {
        if (pendingInputs.merge(dependent, -1, Integer::sum) == 0) {
          free.add(dependent);
        }
      }
    }
    if (ordered < pendingInputs.size()) {
      List<String> cycle = new ArrayList<>();
      pendingInputs.forEach(
          (id, n) -> {
            if (n > 0 && cycle.size() < 10) {
              cycle.add(id);
            }
          });
      problems.add("the links form a cycle through node(s) " + String.join(", ", cycle));
    }
    return problems;
  }
}
