package io.gpufleet.api.comfy;

import io.gpufleet.api.routing.ServerCapabilities;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the healthy servers of the fleet offer together: the union of their {@code /object_info} (a
 * class as the first server describes it, its combo lists merged over all of them, so every
 * checkpoint of the fleet is a choice) and of their model folders. Each server's own answer is
 * {@link ServerCapabilities}' (read and cached there); the union is rebuilt only when one of those
 * answers changed.
 */
@Component
class FleetObjectInfo {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final ServerRepository servers;
  private final ServerCapabilities capabilities;
  private volatile @Nullable Union last;

  FleetObjectInfo(ServerRepository servers, ServerCapabilities capabilities) {
    this.servers = servers;
    this.capabilities = capabilities;
  }

  /**
   * The union; {@code definitions} is null when no healthy server's object_info is known (then
   * prompts are checked for their shape only, and wait in the queue for a server).
   */
  record Union(
      ObjectNode objectInfo,
      @Nullable NodeDefinitions definitions,
      Map<String, Set<String>> models,
      List<Object> sources) {}

  /** The routable servers: running, set up, healthy, not draining. */
  List<Server> healthy() {
    return servers.findByStatusIn(List.of(ServerStatus.RUNNING)).stream()
        .filter(Server::isRoutable)
        .toList();
  }

  Union current() {
    List<ServerCapabilities.Capabilities> known = new ArrayList<>();
    for (Server s : healthy()) {
      ServerCapabilities.Capabilities c = capabilities.of(s);
      if (c.objectInfo() != null) {
        known.add(c);
      }
    }
    List<Object> sources = new ArrayList<>(known);
    Union cached = last;
    if (cached != null && sameSources(cached.sources(), sources)) {
      return cached;
    }
    Union fresh = merge(known, sources);
    last = fresh;
    return fresh;
  }

  /** The same answers (the very objects the capabilities cache holds) as the last union's. */
  private static boolean sameSources(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  static Union merge(List<ServerCapabilities.Capabilities> known, List<Object> sources) {
    ObjectNode union = NODES.objectNode();
    Map<String, Set<String>> models = new TreeMap<>();
    for (ServerCapabilities.Capabilities c : known) {
      JsonNode info = c.objectInfo();
      if (info == null) {
        continue;
      }
      info.forEachEntry(
          (name, node) -> {
            JsonNode existing = union.get(name);
            if (existing == null) {
              union.set(name, node.deepCopy());
            } else if (existing.isObject()) {
              mergeCombos((ObjectNode) existing, node);
            }
          });
      c.models()
          .forEach(
              (folder, files) ->
                  models.computeIfAbsent(folder, f -> new TreeSet<>()).addAll(files));
    }
    return new Union(
        union,
        known.isEmpty() ? null : NodeDefinitions.parse(union),
        Map.copyOf(models),
        List.copyOf(sources));
  }

  /** Adds to each combo of {@code into} the options {@code other} has that it lacks. */
  private static void mergeCombos(ObjectNode into, JsonNode other) {
    for (String section : List.of("required", "optional")) {
      JsonNode mine = into.path("input").path(section);
      JsonNode theirs = other.path("input").path(section);
      if (!mine.isObject() || !theirs.isObject()) {
        continue;
      }
      ((ObjectNode) mine)
          .properties()
          .forEach(
              e -> {
                JsonNode spec = e.getValue();
                JsonNode otherSpec = theirs.get(e.getKey());
                if (spec.isArray() && otherSpec != null && otherSpec.isArray()) {
                  mergeSpec((ArrayNode) spec, (ArrayNode) otherSpec);
                }
              });
    }
  }

  private static void mergeSpec(ArrayNode spec, ArrayNode other) {
    JsonNode head = spec.path(0);
    if (head.isArray() && other.path(0).isArray()) {
      addMissing((ArrayNode) head, other.path(0));
    } else if ("COMBO".equals(head.asString(""))
        && spec.path(1).path("options").isArray()
        && other.path(1).path("options").isArray()) {
      addMissing((ArrayNode) spec.path(1).path("options"), other.path(1).path("options"));
    }
  }

  private static void addMissing(ArrayNode into, JsonNode from) {
    Set<String> have = new LinkedHashSet<>();
    into.forEach(n -> have.add(n.asString("")));
    from.forEach(
        n -> {
          if (have.add(n.asString(""))) {
            into.add(n);
          }
        });
  }
}
