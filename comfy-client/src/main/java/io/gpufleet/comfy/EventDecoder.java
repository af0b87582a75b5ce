package io.gpufleet.comfy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Text and binary WebSocket frames to {@link ComfyEvent}s. */
final class EventDecoder {
  private EventDecoder() {}

  static ComfyEvent text(String frame) {
    JsonNode msg;
    try {
      msg = Json.MAPPER.readTree(frame);
    } catch (JacksonException e) {
      return new ComfyEvent.Unknown("undecodable", Json.MAPPER.getNodeFactory().stringNode(frame));
    }
    String type = msg.path("type").asString("");
    JsonNode d = msg.path("data");
    switch (type) {
      case "status":
        return new ComfyEvent.Status(
            d.path("status").path("exec_info").path("queue_remaining").asInt(0), str(d, "sid"));
      case "execution_start":
        return new ComfyEvent.ExecutionStart(d.path("prompt_id").asString(""), ts(d));
      case "execution_cached":
        return new ComfyEvent.ExecutionCached(
            d.path("prompt_id").asString(""), ResponseParsing.strings(d.path("nodes")), ts(d));
      case "executing":
        return new ComfyEvent.Executing(
            str(d, "prompt_id"), str(d, "node"), str(d, "display_node"));
      case "progress":
        return new ComfyEvent.Progress(
            str(d, "prompt_id"), str(d, "node"), d.path("value").asInt(0), d.path("max").asInt(0));
      case "progress_state":
        Map<String, ComfyEvent.NodeProgress> nodes = new LinkedHashMap<>();
        d.path("nodes")
            .forEachEntry(
                (id, n) ->
                    nodes.put(
                        id,
                        new ComfyEvent.NodeProgress(
                            n.path("value").asDouble(0),
                            n.path("max").asDouble(0),
                            n.path("state").asString(""))));
        return new ComfyEvent.ProgressState(d.path("prompt_id").asString(""), nodes);
      case "executed":
        return new ComfyEvent.Executed(
            d.path("prompt_id").asString(""),
            d.path("node").asString(""),
            str(d, "display_node"),
            ResponseParsing.outputFiles(d.path("output").path("images")),
            d.path("output"));
      case "execution_success":
        return new ComfyEvent.ExecutionSuccess(d.path("prompt_id").asString(""), ts(d));
      case "execution_error":
        return new ComfyEvent.ExecutionError(
            d.path("prompt_id").asString(""),
            d.path("node_id").asString(""),
            d.path("node_type").asString(""),
            d.path("exception_type").asString(""),
            d.path("exception_message").asString(""),
            ResponseParsing.strings(d.path("traceback")),
            ResponseParsing.strings(d.path("executed")));
      case "execution_interrupted":
        return new ComfyEvent.ExecutionInterrupted(
            d.path("prompt_id").asString(""),
            d.path("node_id").asString(""),
            d.path("node_type").asString(""),
            ResponseParsing.strings(d.path("executed")));
      case "feature_flags":
        return new ComfyEvent.FeatureFlags(d);
      default:
        return new ComfyEvent.Unknown(type, d);
    }
  }

  static ComfyEvent binary(byte[] frame) {
    if (frame.length < 8) {
      return unknownBinary(frame.length >= 4 ? ByteBuffer.wrap(frame).getInt() : -1);
    }
    ByteBuffer buf = ByteBuffer.wrap(frame);
    int event = buf.getInt();
    if (event == 1) {
      int format = buf.getInt();
      return new ComfyEvent.Preview(
          format == 2 ? "image/png" : "image/jpeg", rest(frame, 8), null, null);
    }
    if (event == 4) {
      int length = buf.getInt();
      if (length < 0 || 8 + length > frame.length) {
        return unknownBinary(event);
      }
      JsonNode meta;
      try {
        meta = Json.MAPPER.readTree(new String(frame, 8, length, StandardCharsets.UTF_8));
      } catch (JacksonException e) {
        return unknownBinary(event);
      }
      return new ComfyEvent.Preview(
          meta.path("image_type").asString("image/jpeg"),
          rest(frame, 8 + length),
          str(meta, "prompt_id"),
          str(meta, "node_id"));
    }
    return unknownBinary(event);
  }

  private static ComfyEvent unknownBinary(int event) {
    return new ComfyEvent.Unknown("binary:" + event, Json.MAPPER.getNodeFactory().nullNode());
  }

  private static byte[] rest(byte[] frame, int from) {
    byte[] out = new byte[frame.length - from];
    System.arraycopy(frame, from, out, 0, out.length);
    return out;
  }

  private static @Nullable String str(JsonNode d, String field) {
    JsonNode n = d.get(field);
    return n == null || n.isNull() ? null : n.asString();
  }

  private static @Nullable Long ts(JsonNode d) {
    JsonNode n = d.get("timestamp");
    return n != null && n.isNumber() ? n.asLong() : null;
  }
}
