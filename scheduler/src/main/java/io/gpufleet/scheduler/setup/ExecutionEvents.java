package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.setup.ExecutionStatus;
import java.util.UUID;

/**
 * What happens during setup runs, published as Spring events after it is stored, from the thread
 * that stored it (never inside a transaction). The API layer forwards them to watchers.
 */
public final class ExecutionEvents {

  private ExecutionEvents() {}

  /**
   * Output that was appended to a run.
   *
   * @param offset where {@code chunk} begins in the run's whole output, in characters (Unicode code
   *     points), as {@link SetupRunService#output} counts them
   */
  public record ExecutionOutput(UUID executionId, UUID serverId, String chunk, long offset) {}

  /** A run reached step {@code step} of {@code stepTotal}. */
  public record ExecutionProgress(UUID executionId, int step, int stepTotal, String title) {}

  /** A run ended. */
  public record ExecutionFinished(UUID executionId, UUID serverId, ExecutionStatus status) {}
}
