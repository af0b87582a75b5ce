package io.gpufleet.comfy;

import java.util.List;

/** The running item (0 or 1) and the pending ones sorted into execution order. */
public record QueueState(List<QueueItem> running, List<QueueItem> pending) {
  public QueueState {
    running = List.copyOf(running);
    pending = List.copyOf(pending);
  }

  public int remaining() {
    return running.size() + pending.size();
  }
}
