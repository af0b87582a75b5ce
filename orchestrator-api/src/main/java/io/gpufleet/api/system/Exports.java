package io.gpufleet.api.system;

import java.util.List;
import java.util.function.Function;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A list exported as a download: {@code <name>.json} as JSON, or {@code <name>.csv} as CSV. */
public final class Exports {

  private Exports() {}

  /** {@code format} is {@code json} or {@code csv} (the caller has checked it). */
  public static <T> ResponseEntity<?> attachment(
      String name, String format, List<T> rows, Function<List<T>, String> csv) {
    ResponseEntity.BodyBuilder answer =
        ResponseEntity.ok()
            .header("Content-Disposition", "attachment; filename=\"" + name + "." + format + "\"");
    if (format.equals("json")) {
      return answer.contentType(MediaType.APPLICATION_JSON).body(rows);
    }
    return answer
        .contentType(MediaType.parseMediaType("text/csv;charset=UTF-8"))
        .body(csv.apply(rows));
  }
}
