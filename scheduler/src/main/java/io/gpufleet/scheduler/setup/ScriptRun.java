package io.gpufleet.scheduler.setup;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.jspecify.annotations.Nullable;

/** A script run under way: its result to come, and a way to stop it. */
public final class ScriptRun {

  private final CompletableFuture<ScriptResult> result = new CompletableFuture<>();
  private boolean cancelled;
  private @Nullable ConnectFuture connecting;
  private @Nullable ClientSession session;

  ScriptRun() {}

  /**
   * Stops the run: the connection is closed, the server ends the remote process group, and the
   * result becomes {@link ScriptResult.Outcome#CANCELLED}. No effect once the run has ended.
   */
  public void cancel() {
    ConnectFuture pending;
    ClientSession open;
    synchronized (this) {
      if (result.isDone() || cancelled) {
        return;
      }
      cancelled = true;
      pending = connecting;
      open = session;
    }
    if (pending != null) {
      pending.cancel();
    }
    if (open != null) {
      open.close(true);
    }
  }

  /** Completes with the result, or exceptionally with an {@link SshRunException}. */
  public CompletableFuture<ScriptResult> result() {
    return result.copy();
  }

  /**
   * Waits for the end of the run.
   *
   * @throws SshRunException if it could not be run
   */
  public ScriptResult await() throws InterruptedException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException) {
        throw (RuntimeException) e.getCause();
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }

  /** Registers the connect in progress; false if the run was cancelled meanwhile. */
  synchronized boolean connecting(ConnectFuture future) {
    this.connecting = future;
    return !cancelled;
  }

  /** Registers the open session; false (and the session closed) if cancelled meanwhile. */
  boolean opened(ClientSession openSession) {
    synchronized (this) {
      this.connecting = null;
      this.session = openSession;
      if (!cancelled) {
        return true;
      }
    }
    openSession.close(true);
    return false;
  }

  void complete(ScriptResult outcome) {
    result.complete(outcome);
  }

  void fail(RuntimeException failure) {
    result.completeExceptionally(failure);
  }
}
