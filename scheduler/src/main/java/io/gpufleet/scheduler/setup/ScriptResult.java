package io.gpufleet.scheduler.setup;

import org.jspecify.annotations.Nullable;

/**
 * How a script run ended.
 *
 * @param exitCode the remote exit status; null unless the outcome is {@link Outcome#EXITED}
 */
public record ScriptResult(Outcome outcome, @Nullable Integer exitCode) {

  public enum Outcome {
    /** The script ran to its end; see {@link #exitCode()}. */
    EXITED,
    /** {@link ScriptRun#cancel()} ended it. */
    CANCELLED,
    /** It ran longer than the runner's maximum duration and was ended. */
    TIMED_OUT,
    /** The connection ended before the server reported an exit status. */
    DISCONNECTED
  }

  static ScriptResult exited(int exitCode) {
    return new ScriptResult(Outcome.EXITED, exitCode);
  }

  static ScriptResult of(Outcome outcome) {
    return new ScriptResult(outcome, null);
  }

  /** Ran to its end with exit status 0. */
  public boolean succeeded() {
    return outcome == Outcome.EXITED && exitCode != null && exitCode == 0;
  }
}
