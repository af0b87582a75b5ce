package io.gpufleet.comfy.workflow;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An API-format ComfyUI workflow ("prompt"): nodes keyed by string id. Immutable; the editing
 * methods return a changed copy.
 */
public final class Workflow {
  /** ComfyUI's seed maximum, 2^64-1, used when no node definition says otherwise. */
  public static final BigInteger DEFAULT_SEED_MAX =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** Output node classes of core ComfyUI, used when no {@code /object_info} is at hand. */
  static final Set<String> KNOWN_OUTPUT_CLASSES =
      Set.of(
          "SaveImage",
          "PreviewImage",
          "SaveAnimatedWEBP",
          "SaveAnimatedPNG",
          "SaveImageWebsocket",
          "SaveLatent",
          "SaveVideo",
          "SaveWEBM",
          "SaveAudio",
          "PreviewAny");

  private final Map<String, Node> nodes;

  private Workflow(Map<String, Node> nodes) {
    this.nodes = Collections.unmodifiableMap(new LinkedHashMap<>(nodes));
  }

  public static Workflow of(List<Node> nodes) {
    Map<String, Node> map = new LinkedHashMap<>();
    nodes.forEach(n -> map.put(n.id(), n));
    return new Workflow(map);
  }

  public static Workflow parse(String apiJson) {
    try {
      return fromJson(Json.MAPPER.readTree(apiJson));
    } catch (JacksonException e) {
      throw new WorkflowException("workflow is not JSON: " + e.getOriginalMessage());
    }
  }

  public static Workflow fromJson(JsonNode prompt) {
    if (!prompt.isObject()) {
      throw new WorkflowException("an API-format workflow is a JSON object keyed by node id");
    }
    if (prompt.has("nodes") && prompt.has("links")) {
      throw new WorkflowException(
          "this is a UI-format workflow; convert it with UiWorkflowConverter");
    }
    Map<String, Node> map = new LinkedHashMap<>();
    prompt.forEachEntry(
        (id, n) -> {
          JsonNode classType = n.get("class_type");
          if (classType == null || !classType.isString()) {
            throw new WorkflowException("node " + id + " has no class_type");
          }
          Map<String, Input> inputs = new LinkedHashMap<>();
          n.path("inputs").forEachEntry((field, v) -> inputs.put(field, readInput(v)));
          JsonNode title = n.path("_meta").get("title");
          map.put(
              id,
              new Node(
                  id,
                  classType.asString(),
                  inputs,
                  title != null && title.isString() ? title.asString() : null));
        });
    return new Workflow(map);
  }

  private static Input readInput(JsonNode v) {
    if (v.isArray() && v.size() == 2 && v.get(0).isString() && v.get(1).isIntegralNumber()) {
      return new Input.Link(v.get(0).asString(), v.get(1).asInt());
    }
    return new Input.Literal(v);
  }

  public ObjectNode toJson() {
    ObjectNode root = Json.NODES.objectNode();
    nodes.forEach(
        (id, node) -> {
          ObjectNode n = root.putObject(id);
          ObjectNode inputs = n.putObject("inputs");
          node.inputs()
              .forEach(
                  (field, in) -> {
                    if (in instanceof Input.Link) {
                      Input.Link link = (Input.Link) in;
                      ArrayNode arr = inputs.putArray(field);
                      arr.add(link.nodeId());
                      arr.add(link.slot());
                    } else {
                      inputs.set(field, ((Input.Literal) in).value());
                    }
                  });
          n.put("class_type", node.classType());
          if (node.title() != null) {
            n.putObject("_meta").put("title", node.title());
          }
        });
    return root;
  }

  public String toJsonString() {
    return Json.MAPPER.writeValueAsString(toJson());
  }

  public Map<String, Node> nodes() {
    return nodes;
  }

  public Optional<Node> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  public int nodeCount() {
    return nodes.size();
  }

  /**
   * The nodes that run, in a dependency order: everything upstream of an output node. With
   * definitions, output nodes are those flagged {@code output_node}; without, the core output
   * classes.
   */
  public List<String> executionOrder(@Nullable NodeDefinitions definitions) {
    return ExecutionOrder.of(this, outputPredicate(definitions));
  }

  /**
   * What ComfyUI would refuse in the graph's links before running it: links to nodes or outputs
   * that do not exist, and cycles. Empty when the graph is sound; definitions, when given, bound
   * each link's output slot.
   */
  public List<String> linkProblems(@Nullable NodeDefinitions definitions) {
    return GraphCheck.problems(this, definitions);
  }

  public List<String> outputNodes(@Nullable NodeDefinitions definitions) {
    Predicate<Node> isOutput = outputPredicate(definitions);
    return nodes.values().stream().filter(isOutput).map(Node::id).toList();
  }

  private static Predicate<Node> outputPredicate(@Nullable NodeDefinitions definitions) {
    if (definitions == null) {
      return n -> KNOWN_OUTPUT_CLASSES.contains(n.classType());
    }
    return n ->
        definitions
            .get(n.classType())
            .map(NodeDefinition::outputNode)
            .orElse(KNOWN_OUTPUT_CLASSES.contains(n.classType()));
  }

  public List<Parameter> parameters(@Nullable NodeDefinitions definitions) {
    return Parameters.all(this, definitions);
  }

  public List<ParameterTarget> commonParameters() {
    return Parameters.common(this);
  }

  public List<ModelReference> requiredModels() {
    return ModelReference.of(this);
  }

  /**
   * Sets a literal input addressed as {@code node/field}. The value is checked against the
   * definition when given, else against the type of the literal it replaces.
   */
  public Workflow with(String target, Object value, @Nullable NodeDefinitions definitions) {
    int slash = target.lastIndexOf('/');
    if (slash <= 0 || slash == target.length() - 1) {
      throw new WorkflowException("target must be node/field: " + target);
    }
    return with(target.substring(0, slash), target.substring(slash + 1), value, definitions);
  }

  public Workflow with(
      String nodeId, String field, Object value, @Nullable NodeDefinitions definitions) {
    Node node = nodes.get(nodeId);
    if (node == null) {
      throw new WorkflowException("no node " + nodeId);
    }
    JsonNode json = Json.MAPPER.valueToTree(value);
    InputSpec spec =
        definitions == null
            ? null
            : definitions.get(node.classType()).flatMap(d -> d.input(field)).orElse(null);
    if (spec != null) {
      TypeCheck.against(spec, json, nodeId + "/" + field);
    } else {
      Input current = node.inputs().get(field);
      if (current == null) {
        throw new WorkflowException("node " + nodeId + " has no input " + field);
      }
      if (current instanceof Input.Link) {
        throw new WorkflowException(nodeId + "/" + field + " is a link, not a value");
      }
      TypeCheck.likeCurrent(((Input.Literal) current).value(), json, nodeId + "/" + field);
    }
    Map<String, Node> copy = new LinkedHashMap<>(nodes);
    copy.put(nodeId, node.with(field, new Input.Literal(json)));
    return new Workflow(copy);
  }

  /** Gives every literal {@code seed}/{@code noise_seed} a random value in [0, max]. */
  public Workflow withRandomSeeds(RandomGenerator random, @Nullable NodeDefinitions definitions) {
    Map<String, Node> copy = new LinkedHashMap<>(nodes);
    for (Node node : nodes.values()) {
      Node changed = node;
      for (String field : List.of("seed", "noise_seed")) {
        if (node.literal(field).isEmpty()) {
          continue;
        }
        BigInteger max = DEFAULT_SEED_MAX;
        if (definitions != null) {
          BigDecimal m =
              definitions
                  .get(node.classType())
                  .flatMap(d -> d.input(field))
                  .map(InputSpec::max)
                  .orElse(null);
          if (m != null) {
            max = m.toBigInteger();
          }
        }
        BigInteger seed =
            new BigInteger(Long.toUnsignedString(random.nextLong())).mod(max.add(BigInteger.ONE));
        changed = changed.with(field, new Input.Literal(Json.NODES.numberNode(seed)));
      }
      copy.put(node.id(), changed);
    }
    return new Workflow(copy);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Workflow && ((Workflow) o).toJson().equals(toJson());
  }

  @Override
  public int hashCode() {
    return toJson().hashCode();
  }

  @Override
  public String toString() {
    return "Workflow" + nodes.keySet();
  }
}
