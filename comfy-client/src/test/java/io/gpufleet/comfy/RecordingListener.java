package io.gpufleet.comfy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Collects a session's events so tests can wait for one. */
public final class RecordingListener implements ComfyListener {
  public final BlockingQueue<ComfyEvent> events = new LinkedBlockingQueue<>();
  public final List<ComfyEvent> seen = new CopyOnWriteArrayList<>();
  public final BlockingQueue<String> connects = new LinkedBlockingQueue<>();
  public final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
  public final List<String> gone = new CopyOnWriteArrayList<>();
  public final List<Integer> reconnectAttempts = new CopyOnWriteArrayList<>();

  @Override
  public void onEvent(ComfyEvent event) {
    seen.add(event);
    events.add(event);
  }

  @Override
  public void onConnected(String clientId) {
    connects.add(clientId);
  }

  @Override
  public void onReconnecting(int attempt, Duration delay, String reason) {
    reconnectAttempts.add(attempt);
  }

  @Override
  public void onServerGone(String reason) {
    gone.add(reason);
  }

  @Override
  public void onClosed(String reason) {
    closes.add(reason);
  }

  /** Waits for the first event (from now on) matching {@code match}; fails after the timeout. */
  public <T extends ComfyEvent> T await(Class<T> type, Predicate<T> match, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      ComfyEvent e = events.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError(
            "no " + type.getSimpleName() + " within " + timeout + "; seen " + seen);
      }
      if (type.isInstance(e) && match.test(type.cast(e))) {
        return type.cast(e);
      }
    }
  }

  public String awaitConnected(Duration timeout) throws InterruptedException {
    String id = connects.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (id == null) {
      throw new AssertionError("not connected within " + timeout);
    }
    return id;
  }
}
