package io.gpufleet.simulator.ollama;

import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/** Faults armed through the Java API or /_sim; read by the HTTP layer and the token streams. */
final class Faults {

  /** The next {@code remaining} requests to a model route answer {@code status} with this error. */
  record PlannedError(
      int status, String message, int remaining, @Nullable Long retryAfterSeconds) {}

  private @Nullable PlannedError nextError;
  private int dropAfterTokens = -1;
  private boolean hung;
  private volatile @Nullable Instant unresponsiveUntil;

  synchronized void planError(PlannedError error) {
    nextError = error;
  }

  /** Takes one use of the planned error, if any. */
  synchronized @Nullable PlannedError takeError() {
    PlannedError e = nextError;
    if (e == null) {
      return null;
    }
    nextError =
        e.remaining() > 1
            ? new PlannedError(e.status(), e.message(), e.remaining() - 1, e.retryAfterSeconds())
            : null;
    return e;
  }

  synchronized void dropNextStreamAfter(int tokens) {
    dropAfterTokens = tokens;
  }

  /** How many tokens the next stream sends before its connection drops; -1 for none. */
  synchronized int takeDropAfter() {
    int n = dropAfterTokens;
    dropAfterTokens = -1;
    return n;
  }

  synchronized void hang() {
    hung = true;
  }

  synchronized void resume() {
    hung = false;
    notifyAll();
  }

  /** Blocks while hung; returns early when {@code stillWanted} turns false. */
  synchronized void awaitNotHung(BooleanSupplier stillWanted) throws InterruptedException {
    while (hung && stillWanted.getAsBoolean()) {
      wait(50);
    }
  }

  void unresponsiveUntil(@Nullable Instant until) {
    unresponsiveUntil = until;
  }

  @Nullable Instant unresponsiveUntil() {
    return unresponsiveUntil;
  }

  synchronized void clear() {
    nextError = null;
    dropAfterTokens = -1;
    hung = false;
    unresponsiveUntil = null;
    notifyAll();
  }
}
