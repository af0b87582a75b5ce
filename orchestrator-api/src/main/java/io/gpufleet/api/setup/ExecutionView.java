package io.gpufleet.api.setup;

import io.gpufleet.persistence.setup.ExecutionKind;
import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.persistence.setup.ServerExecution;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A setup run as the API shows it: the REST answers and the WebSocket's {@code execution.state}.
 */
public record ExecutionView(
    UUID id,
    UUID serverId,
    @Nullable UUID scriptId,
    String scriptName,
    int scriptVersion,
    ExecutionKind kind,
    ExecutionStatus status,
    @Nullable Integer step,
    @Nullable Integer stepTotal,
    @Nullable String stepTitle,
    int progress,
    @Nullable Integer exitCode,
    @Nullable String error,
    long outputLength,
    @Nullable String output,
    Instant createdAt,
    @Nullable Instant startedAt,
    @Nullable Instant finishedAt) {

  public static ExecutionView of(ServerExecution e, boolean withOutput) {
    int progress =
        e.getStatus() == ExecutionStatus.SUCCEEDED
            ? 100
            : e.getStep() == null || e.getStepTotal() == null || e.getStepTotal() == 0
                ? 0
                : Math.max(0, (e.getStep() - 1) * 100 / e.getStepTotal());
    return new ExecutionView(
        e.getId(),
        e.getServerId(),
        e.getScriptId(),
        e.getScriptName(),
        e.getScriptVersion(),
        e.getKind(),
        e.getStatus(),
        e.getStep(),
        e.getStepTotal(),
        e.getStepTitle(),
        progress,
        e.getExitCode(),
        e.getError(),
        e.getOutputLength(),
        withOutput ? e.getOutput() : null,
        e.getCreatedAt(),
        e.getStartedAt(),
        e.getFinishedAt());
  }
}
