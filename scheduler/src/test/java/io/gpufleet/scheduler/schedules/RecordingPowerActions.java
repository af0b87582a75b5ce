package io.gpufleet.scheduler.schedules;

import io.gpufleet.scheduler.servers.LifecyclePowerActions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.springframework.context.annotation.Primary;
import org.springframework.stereotype.Component;

/**
 * Records what scheduled jobs ask for. It only acts on servers a test registered with {@link
 * #watch}; every other server gets the lifecycle's real actions, so the shared context of the
 * scheduler ITs behaves as the application does.
 */
@Primary
@Component
class RecordingPowerActions implements ScheduledPowerActions {

  record Call(NextAction.Action action, UUID serverId) {}

  private final Map<UUID, BlockingQueue<Call>> calls = new ConcurrentHashMap<>();
  private final Set<UUID> refused = ConcurrentHashMap.newKeySet();

  void watch(UUID serverId) {
    calls.put(serverId, new LinkedBlockingQueue<>());
  }

  void refuseStartsOf(UUID serverId) {
    refused.add(serverId);
  }

  void forget(UUID serverId) {
    calls.remove(serverId);
    refused.remove(serverId);
  }

  /** The next call for the server, waiting for the job thread at most {@code timeout}. */
  @Nullable Call next(UUID serverId, Duration timeout) throws InterruptedException {
    return calls.get(serverId).poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private final LifecyclePowerActions real;

  RecordingPowerActions(LifecyclePowerActions real) {
    this.real = real;
  }

  @Override
  public void scheduledStart(UUID serverId) {
    if (!calls.containsKey(serverId)) {
      real.scheduledStart(serverId);
      return;
    }
    record(new Call(NextAction.Action.START, serverId));
  }

  @Override
  public void scheduledStop(UUID serverId) {
    if (!calls.containsKey(serverId)) {
      real.scheduledStop(serverId);
      return;
    }
    record(new Call(NextAction.Action.STOP, serverId));
  }

  @Override
  public Optional<String> refuseScheduledStart(UUID serverId) {
    if (!calls.containsKey(serverId)) {
      return real.refuseScheduledStart(serverId);
    }
    return refused.contains(serverId) ? Optional.of("refused by the test") : Optional.empty();
  }

  private void record(Call call) {
    BlockingQueue<Call> queue = calls.get(call.serverId());
    if (queue != null) {
      queue.add(call);
    }
  }
}
