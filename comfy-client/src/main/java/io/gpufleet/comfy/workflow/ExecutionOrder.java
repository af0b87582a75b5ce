package io.gpufleet.comfy.workflow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Depth-first post-order from the output nodes: each node after everything it links to. */
final class ExecutionOrder {
  private final Workflow workflow;
  private final List<String> order = new ArrayList<>();
  private final Set<String> done = new HashSet<>();
  private final Set<String> visiting = new HashSet<>();

  private ExecutionOrder(Workflow workflow) {
    this.workflow = workflow;
  }

  static List<String> of(Workflow workflow, Predicate<Node> isOutput) {
    ExecutionOrder walk = new ExecutionOrder(workflow);
    workflow.nodes().values().stream().filter(isOutput).forEach(n -> walk.visit(n.id()));
    return List.copyOf(walk.order);
  }

  private void visit(String id) {
    if (done.contains(id)) {
      return;
    }
    if (!visiting.add(id)) {
      throw new WorkflowException("dependency cycle through node " + id);
    }
    Node node =
        workflow.node(id).orElseThrow(() -> new WorkflowException("link to missing node " + id));
    for (Input in : node.inputs().values()) {
      if (in instanceof Input.Link) {
        visit(((Input.Link) in).nodeId());
      }
    }
    visiting.remove(id);
    done.add(id);
    order.add(id);
  }
}
