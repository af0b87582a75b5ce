package io.gpufleet.scheduler.setup;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** The runs this replica has queued or is carrying out. */
@Component
class ActiveRuns {

  private final Map<UUID, ActiveRun> runs = new ConcurrentHashMap<>();

  void add(ActiveRun run) {
    runs.put(run.executionId, run);
  }

  void remove(ActiveRun run) {
    runs.remove(run.executionId, run);
    run.done.complete(null);
  }

  @Nullable ActiveRun get(UUID executionId) {
    return runs.get(executionId);
  }

  Collection<ActiveRun> all() {
    return List.copyOf(runs.values());
  }
}
