package io.gpufleet.comfy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Turns ComfyUI JSON bodies into the typed values of this package. */
final class ResponseParsing {
  private ResponseParsing() {}

  static Map<String, NodeError> nodeErrors(JsonNode nodeErrors) {
    Map<String, NodeError> out = new LinkedHashMap<>();
    if (!nodeErrors.isObject()) {
      return out;
    }
    nodeErrors.forEachEntry(
        (id, e) -> {
          List<ValidationError> errors = new ArrayList<>();
          for (JsonNode err : e.path("errors")) {
            errors.add(
                new ValidationError(
                    err.path("type").asString(""),
                    err.path("message").asString(""),
                    err.path("details").asString(""),
                    err.path("extra_info")));
          }
          out.put(
              id,
              new NodeError(
                  id,
                  e.path("class_type").asString(""),
                  errors,
                  strings(e.path("dependent_outputs"))));
        });
    return out;
  }

  static ComfyException.PromptRejected rejected(JsonNode body) {
    JsonNode error = body.path("error");
    if (error.isString()) {
      return new ComfyException.PromptRejected(null, error.asString(), "", Map.of());
    }
    return new ComfyException.PromptRejected(
        error.path("type").asString(null),
        error.path("message").asString(""),
        error.path("details").asString(""),
        nodeErrors(body.path("node_errors")));
  }

  static SubmitResult submitted(JsonNode body) {
    JsonNode id = body.get("prompt_id");
    if (id == null || !id.isString()) {
      throw new ComfyException.Undecodable("POST /prompt answer without prompt_id", null);
    }
    JsonNode number = body.path("number");
    return new SubmitResult(
        id.asString(),
        number.isNumber() ? number.decimalValue() : BigDecimal.ZERO,
        nodeErrors(body.path("node_errors")));
  }

  static QueueState queue(JsonNode body) {
    List<QueueItem> pending = items(body.path("queue_pending"));
    // The server sends its raw heap; execution order is by number, then prompt id.
    pending.sort(Comparator.comparing(QueueItem::number).thenComparing(QueueItem::promptId));
    return new QueueState(items(body.path("queue_running")), pending);
  }

  static List<QueueItem> items(JsonNode array) {
    List<QueueItem> out = new ArrayList<>();
    for (JsonNode item : array) {
      out.add(
          new QueueItem(
              item.path(0).isNumber() ? item.path(0).decimalValue() : BigDecimal.ZERO,
              item.path(1).asString(""),
              item.path(2),
              item.path(3),
              strings(item.path(4))));
    }
    return out;
  }

  /** The keys of a node's output that list files, in the order they are stored. */
  static final List<String> OUTPUT_KINDS = List.of("images", "gifs", "videos", "video", "audio");

  static HistoryEntry historyEntry(String promptId, JsonNode entry) {
    Map<String, List<OutputFile>> images = new LinkedHashMap<>();
    entry
        .path("outputs")
        .forEachEntry(
            (nodeId, out) -> {
              // images (and SaveWEBM/SaveVideo/SaveAnimated*'s videos), VHS_VideoCombine's
              // gifs, SaveAudio's audio, and video outputs of newer nodes
              List<OutputFile> files = new ArrayList<>();
              for (String kind : OUTPUT_KINDS) {
                files.addAll(outputFiles(out.path(kind)));
              }
              if (!files.isEmpty()) {
                images.put(nodeId, files);
              }
            });
    List<HistoryEntry.Message> messages = new ArrayList<>();
    for (JsonNode m : entry.path("status").path("messages")) {
      messages.add(new HistoryEntry.Message(m.path(0).asString(""), m.path(1)));
    }
    JsonNode status = entry.path("status");
    return new HistoryEntry(
        promptId,
        status.path("status_str").asString(""),
        status.path("completed").asBoolean(false),
        images,
        entry.path("outputs"),
        messages);
  }

  static List<OutputFile> outputFiles(JsonNode images) {
    List<OutputFile> files = new ArrayList<>();
    for (JsonNode img : images) {
      if (img.has("filename")) {
        files.add(
            new OutputFile(
                img.path("filename").asString(),
                img.path("subfolder").asString(""),
                img.path("type").asString("output")));
      }
    }
    return files;
  }

  static SystemStats systemStats(JsonNode body) {
    JsonNode system = body.path("system");
    if (!system.isObject()) {
      throw new ComfyException.Undecodable("system_stats without system", null);
    }
    List<SystemStats.Device> devices = new ArrayList<>();
    for (JsonNode d : body.path("devices")) {
      devices.add(
          new SystemStats.Device(
              d.path("name").asString(""),
              d.path("type").asString(""),
              d.path("index").isIntegralNumber() ? d.path("index").asInt() : null,
              d.path("vram_total").asLong(0),
              d.path("vram_free").asLong(0)));
    }
    return new SystemStats(
        system.path("comfyui_version").asString(""),
        system.path("os").asString(""),
        system.path("ram_total").asLong(0),
        system.path("ram_free").asLong(0),
        devices);
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asString()));
    return out;
  }
}
