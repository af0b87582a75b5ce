package io.gpufleet.simulator.comfy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What each catalogued class does when it runs. Classes without a rule (loaders, conditioning,
 * control nets) pass opaque values of their output types on; a loader's carries its file name.
 */
final class NodeBehaviours {
  private static final Map<String, NodeBehaviour> BY_CLASS = build();

  /** Nodes ComfyUI runs every time (IS_CHANGED answers the time): never taken from the cache. */
  static final Set<String> NEVER_CACHED = Set.of("SaveImageWebsocket");

  /** Nodes whose cache key includes the content of the file they read (IS_CHANGED hashes it). */
  static final Map<String, String> READS_FILE =
      Map.of(
          "LoadImage", "image",
          "LoadImageMask", "image",
          "LoadAudio", "audio",
          "LoadVideo", "file");

  private NodeBehaviours() {}

  static NodeBehaviour of(NodeCatalog.NodeDef def) {
    NodeBehaviour rule = BY_CLASS.get(def.name());
    return rule != null ? rule : (in, run) -> opaque(def, in);
  }

  private static NodeBehaviour.Executed opaque(NodeCatalog.NodeDef def, NodeInputs in) {
    String detail =
        def.inputs().stream()
            .filter(NodeCatalog.InputDef::isCombo)
            .findFirst()
            .map(i -> in.string(i.name()))
            .orElse("");
    List<Value> outputs = new ArrayList<>();
    def.outputs().forEach(type -> outputs.add(new Value.Opaque(type, detail)));
    return new NodeBehaviour.Executed(outputs, null, 0);
  }

  private static Map<String, NodeBehaviour> build() {
    Map<String, NodeBehaviour> nodes = new HashMap<>();
    LatentNodes.register(nodes);
    ImageNodes.register(nodes);
    MediaNodes.register(nodes);
    SaveNodes.register(nodes);
    return Map.copyOf(nodes);
  }
}
