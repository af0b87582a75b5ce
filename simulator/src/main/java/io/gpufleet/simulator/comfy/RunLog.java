package io.gpufleet.simulator.comfy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this simulator was asked to run and what it ran to success, over its whole life: unlike
 * ComfyUI's queue and history it survives {@link ComfySimulator#crash}, so a test can count how
 * often one piece of work was received and completed across restarts and servers.
 */
final class RunLog {
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final List<String> succeeded = new CopyOnWriteArrayList<>();

  void received(PromptQueue.Job job) {
    received.add(job.prompt().toString());
  }

  void succeeded(PromptQueue.Job job) {
    succeeded.add(job.prompt().toString());
  }

  List<String> received() {
    return List.copyOf(received);
  }

  List<String> succeeded() {
    return List.copyOf(succeeded);
  }
}
