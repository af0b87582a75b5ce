package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.ExecutionKind;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** A run this replica carries out, from the moment it is queued until its row is final. */
final class ActiveRun {

  final UUID executionId;
  final UUID serverId;
  final ExecutionKind kind;
  final String script;
  final OutputBuffer buffer;

  /** Held while appending to the row, so chunks go out in order. */
  final Object flushLock = new Object();

  /** Characters appended so far (code points); guarded by {@link #flushLock}. */
  long offset;

  final AtomicBoolean flushScheduled = new AtomicBoolean();
  final CompletableFuture<Void> done = new CompletableFuture<>();

  private boolean cancelled;
  private @Nullable ScriptRun ssh;

  ActiveRun(UUID executionId, UUID serverId, ExecutionKind kind, String script, int outputCap) {
    this.executionId = executionId;
    this.serverId = serverId;
    this.kind = kind;
    this.script = script;
    this.buffer = new OutputBuffer(outputCap);
  }

  /** The SSH run has begun; cancels it at once if the run was cancelled meanwhile. */
  void attach(ScriptRun run) {
    boolean cancelNow;
    synchronized (this) {
      ssh = run;
      cancelNow = cancelled;
    }
    if (cancelNow) {
      run.cancel();
    }
  }

  void cancel() {
    ScriptRun run;
    synchronized (this) {
      cancelled = true;
      run = ssh;
    }
    if (run != null) {
      run.cancel();
    }
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }
}
