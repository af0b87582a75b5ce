package io.gpufleet.api.history;

import io.gpufleet.api.generations.GenerationViews.GenerationView;
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

  /** Quoted when needed; a leading formula character is defused for spreadsheets. */
  static String cell(@Nullable Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    if (!s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 && !(value instanceof Number)) {
      s = "'" + s;
    }
    if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
      return "\"" + s.replace("\"", "\"\"") + "\"";
    }
    return s;
  }
}
