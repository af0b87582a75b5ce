package io.gpufleet.simulator.comfy;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** Faults armed through the Java API or /_sim; read by the runner and the HTTP layer. */
final class Faults {
  /** An exception a node will raise on the next prompt that reaches it. */
  record PlannedError(String nodeClass, String exceptionType, String message) {}

  static final String OOM_TIP =
      "This error means you ran out of memory on your GPU.\n\n"
          + "TIPS: If the workflow worked before you might have accidentally set the batch_size to"
          + " a large number.";

  private @Nullable PlannedError nextError;
  private boolean hung;
  private volatile @Nullable Instant unresponsiveUntil;

  synchronized void planError(PlannedError error) {
    nextError = error;
  }

  /** Takes the planned error if it targets {@code nodeClass}. */
  synchronized @Nullable PlannedError takeErrorFor(String nodeClass) {
    PlannedError e = nextError;
    if (e != null && (e.nodeClass().equals(nodeClass) || "*".equals(e.nodeClass()))) {
      nextError = null;
      return e;
    }
    return null;
  }

  synchronized void hang() {
    hung = true;
  }

  synchronized void resume() {
    hung = false;
    notifyAll();
  }

  /** Blocks while hung; returns early when {@code stillWanted} turns false (crash, interrupt). */
  synchronized void awaitNotHung(java.util.function.BooleanSupplier stillWanted)
      throws InterruptedException {
    while (hung && stillWanted.getAsBoolean()) {
      wait(50);
    }
  }

  synchronized void wake() {
    notifyAll();
  }

  void unresponsiveUntil(@Nullable Instant until) {
    unresponsiveUntil = until;
  }

  @Nullable Instant unresponsiveUntil() {
    return unresponsiveUntil;
  }

  synchronized void clear() {
    nextError = null;
    hung = false;
    unresponsiveUntil = null;
    notifyAll();
  }
}
