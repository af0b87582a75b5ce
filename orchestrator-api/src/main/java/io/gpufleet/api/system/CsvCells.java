package io.gpufleet.api.system;

import org.jspecify.annotations.Nullable;

/** RFC 4180 cells for the CSV exports (generations' history, tasks). */
public final class CsvCells {

  private CsvCells() {}

  /** Quoted when needed; a leading formula character is defused for spreadsheets. */
  public static String cell(@Nullable Object value) {
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
