package io.gpufleet.api.events;

import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionFinished;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionOutput;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts setup runs' events on the fleet's event bus, keyed by execution id, so that a WebSocket in
 * any replica can follow a run that works in another one.
 */
@Component
class ExecutionEventRelay {

  /** Larger chunks go by reference: the watcher reads them from the output endpoint. */
  static final int MAX_INLINE_CHARS = 2_000;

  private final GenerationEventBus bus;

  ExecutionEventRelay(GenerationEventBus bus) {
    this.bus = bus;
  }

  @EventListener
  void on(ExecutionOutput output) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("offset", output.offset());
    if (output.chunk().length() <= MAX_INLINE_CHARS) {
      data.put("text", output.chunk());
    } else {
      data.put("truncated", true);
    }
    bus.publish(new GenerationEvent("execution.output", output.executionId(), data));
  }

  @EventListener
  void on(ExecutionProgress progress) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("step", progress.step());
    data.put("stepTotal", progress.stepTotal());
    data.put("title", progress.title());
    bus.publish(new GenerationEvent("execution.progress", progress.executionId(), data));
  }

  @EventListener
  void on(ExecutionFinished finished) {
    bus.publish(
        new GenerationEvent(
            "execution.finished",
            finished.executionId(),
            Map.of("status", finished.status().name())));
  }
}
