package io.gpufleet.api.tasks;

import io.gpufleet.api.system.CsvCells;
import io.gpufleet.api.tasks.TaskViews.TaskView;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Tasks as RFC 4180 CSV, one row each, formula cells defused as history's export does. */
final class TaskCsv {

  static final String HEADER =
      "id,name,type,status,provider,profileId,model,generationId,attempts,retries,promptTokens,"
          + "completionTokens,cost,createdAt,startedAt,finishedAt,durationMs,errorCode,errorMessage,"
          + "prompt,result";

  private TaskCsv() {}

  static String of(List<TaskView> rows) {
    StringBuilder out = new StringBuilder(HEADER).append("\r\n");
    for (TaskView t : rows) {
      out.append(
              Stream.of(
                      t.id(),
                      t.name(),
                      t.type(),
                      t.status(),
                      t.provider(),
                      t.profileId(),
                      t.model(),
                      t.generationId(),
                      t.attempts(),
                      t.retries(),
                      t.usage() == null ? null : t.usage().promptTokens(),
                      t.usage() == null ? null : t.usage().completionTokens(),
                      t.cost(),
                      t.createdAt(),
                      t.startedAt(),
                      t.finishedAt(),
                      t.durationMs(),
                      t.error() == null ? null : t.error().code(),
                      t.error() == null ? null : t.error().message(),
                      t.prompt(),
                      t.result())
                  .map(CsvCells::cell)
                  .collect(Collectors.joining(",")))
          .append("\r\n");
    }
    return out.toString();
  }
}
