package io.gpufleet.api.events;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The event numbers one receiver has had, the latest {@code capacity} of them: an event heard both
 * live and in a replay is handed on once. Numbers at or below the oldest one forgotten count as had
 * (a replay never reaches that far back). Unnumbered events (0) always pass.
 */
final class SeenEvents {

  private final int capacity;
  private final ArrayDeque<Long> order = new ArrayDeque<>();
  private final Set<Long> seen = new HashSet<>();
  private long forgotten;
  private long highest;

  SeenEvents(int capacity, long after) {
    this.capacity = capacity;
    this.forgotten = after;
    this.highest = after;
  }

  /** True the first time {@code seq} comes. */
  synchronized boolean first(long seq) {
    if (seq <= 0) {
      return true;
    }
    if (seq <= forgotten || !seen.add(seq)) {
      return false;
    }
    order.add(seq);
    highest = Math.max(highest, seq);
    while (order.size() > capacity) {
      long old = order.poll();
      seen.remove(old);
      forgotten = Math.max(forgotten, old);
    }
    return true;
  }

  synchronized long highest() {
    return highest;
  }

  /** Nothing at or below {@code seq} is expected any more (a fresh start's baseline). */
  synchronized void raiseTo(long seq) {
    highest = Math.max(highest, seq);
  }
}
