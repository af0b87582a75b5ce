package io.gpufleet.simulator.comfy;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** What one node class does when the simulator executes it: the shapes of its outputs. */
@FunctionalInterface
interface NodeBehaviour {

  Executed run(NodeInputs in, NodeRun run);

  /**
   * A node's outputs by slot, its UI output (what {@code executed} and history report) and how many
   * sampling steps it takes at the server's speed before they are ready.
   */
  record Executed(List<Value> outputs, @Nullable ObjectNode ui, int steps) {
    public Executed {
      outputs = List.copyOf(outputs);
    }

    static Executed of(Value... outputs) {
      return new Executed(List.of(outputs), null, 0);
    }

    static Executed ui(ObjectNode ui) {
      return new Executed(List.of(), ui, 0);
    }
  }

  /** What a node may use of the run around it. */
  interface NodeRun {
    /** The node's signature: its class, inputs and everything upstream; seeds pictures. */
    String fingerprint();

    FileStore files();

    /** Whether {@code name} is a file of model folder {@code folder} on this server. */
    boolean hasModel(String folder, String name);

    /** The prompt as submitted, and extra_data.extra_pnginfo (for PNG text chunks). */
    JsonNode prompt();

    @Nullable JsonNode extraPngInfo();

    /**
     * Sends a full-size PNG over the WebSocket as ComfyUI's progress-bar preview channel does: a
     * progress message of {@code index}/{@code total}, then the binary frame.
     */
    void sendImage(byte[] png, int index, int total);
  }

  /** An exception the node raises while executing: an execution_error with ComfyUI's type. */
  final class NodeFailure extends RuntimeException {
    final String exceptionType;

    NodeFailure(String exceptionType, String message) {
      super(message, null, false, false);
      this.exceptionType = exceptionType;
    }

    static NodeFailure missingModel(String folder, String name) {
      return new NodeFailure(
          "FileNotFoundError",
          "Model in folder '" + folder + "' with filename '" + name + "' not found.");
    }

    static NodeFailure missingFile(Path path) {
      return new NodeFailure(
          "FileNotFoundError", "[Errno 2] No such file or directory: '" + path + "'");
    }
  }
}
