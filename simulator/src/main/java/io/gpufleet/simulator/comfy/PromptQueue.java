package io.gpufleet.simulator.comfy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Pending heap, the one running job and the in-memory history, like ComfyUI's PromptQueue. */
final class PromptQueue {
  private static final int HISTORY_CAP = 10_000;
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  record Job(
      BigDecimal number,
      String promptId,
      JsonNode prompt,
      JsonNode extraData,
      List<String> outputs,
      @Nullable String clientId) {

    ArrayNode asItem() {
      ArrayNode item = F.arrayNode();
      // Explicit client numbers are floats in ComfyUI; they carry a scale here.
      item.add(
          number.scale() <= 0
              ? F.numberNode(number.longValue())
              : F.numberNode(number.doubleValue()));
      item.add(promptId);
      item.add(prompt);
      item.add(extraData);
      ArrayNode outs = item.addArray();
      outputs.forEach(outs::add);
      return item;
    }
  }

  private final PriorityQueue<Job> pending =
      new PriorityQueue<>(Comparator.comparing(Job::number).thenComparing(Job::promptId));
  private final LinkedHashMap<String, ObjectNode> history = new LinkedHashMap<>();
  private @Nullable Job running;
  private long counter;
  private long epoch;

  synchronized long nextCounter() {
    return counter++;
  }

  synchronized void enqueue(Job job) {
    pending.add(job);
  }

  /** The next pending job, made the running one; null when nothing is pending. */
  synchronized @Nullable Job poll() {
    Job next = pending.poll();
    if (next != null) {
      running = next;
    }
    return next;
  }

  synchronized boolean hasPending() {
    return !pending.isEmpty();
  }

  synchronized void finish(Job job, ObjectNode entry, long jobEpoch) {
    if (jobEpoch != epoch) {
      return;
    }
    history.remove(job.promptId());
    history.put(job.promptId(), entry);
    while (history.size() > HISTORY_CAP) {
      history.remove(history.keySet().iterator().next());
    }
    if (running == job) {
      running = null;
    }
  }

  synchronized long epoch() {
    return epoch;
  }

  synchronized boolean isCurrent(long jobEpoch) {
    return jobEpoch == epoch;
  }

  synchronized int remaining() {
    return pending.size() + (running == null ? 0 : 1);
  }

  synchronized @Nullable Job running() {
    return running;
  }

  synchronized ObjectNode queueJson() {
    ObjectNode out = F.objectNode();
    ArrayNode run = out.putArray("queue_running");
    if (running != null) {
      run.add(running.asItem());
    }
    ArrayNode pend = out.putArray("queue_pending");
    pending.forEach(j -> pend.add(j.asItem()));
    return out;
  }

  synchronized boolean deletePending(List<String> ids) {
    return pending.removeIf(j -> ids.contains(j.promptId()));
  }

  synchronized boolean clearPending() {
    boolean any = !pending.isEmpty();
    pending.clear();
    return any;
  }

  synchronized @Nullable ObjectNode history(String promptId) {
    return history.get(promptId);
  }

  synchronized ObjectNode historyJson(@Nullable Integer maxItems, @Nullable Integer offset) {
    List<Map.Entry<String, ObjectNode>> all = new ArrayList<>(history.entrySet());
    int from = 0;
    int to = all.size();
    if (offset != null) {
      from = Math.max(0, Math.min(offset, all.size()));
      if (maxItems != null) {
        to = Math.min(all.size(), from + maxItems);
      }
    } else if (maxItems != null) {
      from = Math.max(0, all.size() - maxItems);
    }
    ObjectNode out = F.objectNode();
    for (Map.Entry<String, ObjectNode> e : all.subList(from, to)) {
      out.set(e.getKey(), e.getValue());
    }
    return out;
  }

  synchronized void deleteHistory(List<String> ids) {
    ids.forEach(history::remove);
  }

  synchronized void clearHistory() {
    history.clear();
  }

  /** As after a process restart: nothing queued, no history, counter from 0. */
  synchronized void forgetEverything() {
    pending.clear();
    history.clear();
    running = null;
    counter = 0;
    epoch++;
  }
}
