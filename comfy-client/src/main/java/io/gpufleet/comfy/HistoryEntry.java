package io.gpufleet.comfy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A finished prompt. {@code images} are the files of every output node (its {@code images}, {@code
 * gifs}, {@code videos} and {@code audio}), by node id; {@code outputs} keeps the open-ended raw
 * map. {@code statusStr} is success or error.
 */
public record HistoryEntry(
    String promptId,
    String statusStr,
    boolean completed,
    Map<String, List<OutputFile>> images,
    JsonNode outputs,
    List<Message> messages) {

  public HistoryEntry {
    images = Map.copyOf(images);
    messages = List.copyOf(messages);
  }

  /** One recorded execution event ({@code execution_start}, {@code execution_success}, ...). */
  public record Message(String type, JsonNode data) {}

  public boolean succeeded() {
    return "success".equals(statusStr) && completed;
  }

  public List<OutputFile> allImages() {
    List<OutputFile> all = new ArrayList<>();
    images.values().forEach(all::addAll);
    return all;
  }
}
