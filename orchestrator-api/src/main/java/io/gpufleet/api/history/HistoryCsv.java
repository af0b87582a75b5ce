package io.gpufleet.api.history;

import io.gpufleet.api.generations.GenerationViews.GenerationView;
import io.gpufleet.api.system.CsvCells;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** Generations as RFC 4180 CSV, one row each. */
final class HistoryCsv {

  static final String HEADER =
      "id,status,workflowId,sessionId,serverId,priority,seed,attempts,createdAt,startedAt,"
          + "finishedAt,gpuSeconds,cost,outputs,errorType,errorMessage";

  private HistoryCsv() {}

  static String of(List<GenerationView> rows) {
    StringBuilder out = new StringBuilder(HEADER).append("\r\n");
    for (GenerationView g : rows) {
      out.append(
              Stream.of(
                      g.id(),
                      g.status(),
                      g.workflowId(),
                      g.sessionId(),
                      g.serverId(),
                      g.priority(),
                      g.seed(),
                      g.attempts(),
                      g.createdAt(),
                      g.startedAt(),
                      g.finishedAt(),
                      g.gpuSeconds(),
                      g.cost(),
                      g.outputs().size(),
                      g.error() == null ? null : g.error().type(),
                      g.error() == null ? null : g.error().message())
                  .map(HistoryCsv::cell)
                  .collect(Collectors.joining(",")))
          .append("\r\n");
    }
    return out.toString();
  }

  static String cell(@Nullable Object value) {
    return CsvCells.cell(value);
  }
}
