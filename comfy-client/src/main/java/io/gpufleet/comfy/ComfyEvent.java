package io.gpufleet.comfy;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** A message from ComfyUI's WebSocket. Unknown types become {@link Unknown}, never an error. */
public sealed interface ComfyEvent {

  /** Queue depth; {@code sid} is set only on the message sent right after connecting. */
  record Status(int queueRemaining, @Nullable String sid) implements ComfyEvent {}

  record ExecutionStart(String promptId, @Nullable Long timestamp) implements ComfyEvent {}

  record ExecutionCached(String promptId, List<String> nodes, @Nullable Long timestamp)
      implements ComfyEvent {
    public ExecutionCached {
      nodes = List.copyOf(nodes);
    }
  }

  /** A node starts; {@code node == null} means the prompt is finished (success or not). */
  record Executing(@Nullable String promptId, @Nullable String node, @Nullable String displayNode)
      implements ComfyEvent {
    public boolean done() {
      return node == null;
    }
  }

  record Progress(@Nullable String promptId, @Nullable String node, int value, int max)
      implements ComfyEvent {}

  record ProgressState(String promptId, Map<String, NodeProgress> nodes) implements ComfyEvent {
    public ProgressState {
      nodes = Map.copyOf(nodes);
    }
  }

  /** One node's entry in {@link ProgressState}; {@code state} is running or finished. */
  record NodeProgress(double value, double max, String state) {}

  record Executed(
      String promptId,
      String node,
      @Nullable String displayNode,
      List<OutputFile> images,
      JsonNode output)
      implements ComfyEvent {
    public Executed {
      images = List.copyOf(images);
    }
  }

  record ExecutionSuccess(String promptId, @Nullable Long timestamp) implements ComfyEvent {}

  record ExecutionError(
      String promptId,
      String nodeId,
      String nodeType,
      String exceptionType,
      String exceptionMessage,
      List<String> traceback,
      List<String> executed)
      implements ComfyEvent {
    public ExecutionError {
      traceback = List.copyOf(traceback);
      executed = List.copyOf(executed);
    }

    public boolean outOfMemory() {
      return exceptionType.contains("OutOfMemoryError")
          || exceptionMessage.toLowerCase(java.util.Locale.ROOT).contains("out of memory");
    }
  }

  record ExecutionInterrupted(
      String promptId, String nodeId, String nodeType, List<String> executed)
      implements ComfyEvent {
    public ExecutionInterrupted {
      executed = List.copyOf(executed);
    }
  }

  /** The server's answer to our feature_flags handshake. */
  record FeatureFlags(JsonNode flags) implements ComfyEvent {}

  /**
   * A binary preview (type 1: 4-byte format 1=JPEG 2=PNG; type 4: JSON metadata). Prompt and node
   * are known only from type 4.
   */
  record Preview(String mediaType, byte[] image, @Nullable String promptId, @Nullable String nodeId)
      implements ComfyEvent {}

  /** Any message this client does not model (custom nodes, newer servers, binary type 3...). */
  record Unknown(String type, JsonNode data) implements ComfyEvent {}
}
