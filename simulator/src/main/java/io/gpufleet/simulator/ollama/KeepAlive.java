package io.gpufleet.simulator.ollama;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Ollama's {@code keep_alive}: a number of seconds, or a Go duration such as {@code "5m"} or {@code
 * "1h30m"}; negative keeps the model loaded forever, zero unloads it at once.
 */
final class KeepAlive {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  private KeepAlive() {}

  static Duration parse(JsonNode value, Duration byDefault) {
    if (value == null || value.isMissingNode() || value.isNull()) {
      return byDefault;
    }
    if (value.isNumber()) {
      return Duration.ofMillis(Math.round(value.asDouble() * 1000));
    }
    String text = value.asString().trim();
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
    } catch (NumberFormatException notANumber) {
      return goDuration(text);
    }
  }

  private static Duration goDuration(String text) {
    boolean negative = text.startsWith("-");
    String rest = negative || text.startsWith("+") ? text.substring(1) : text;
    Matcher m = PART.matcher(rest);
    long nanos = 0;
    int end = 0;
    while (m.find() && m.start() == end) {
      double amount = Double.parseDouble(m.group(1));
      long unit =
          switch (m.group(2)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 3_600_000_000_000L;
          };
      nanos += Math.round(amount * unit);
      end = m.end();
    }
    if (end == 0 || end != rest.length()) {
      throw new Exchange.Failure(400, "time: invalid duration \"" + text + "\"");
    }
    return Duration.ofNanos(negative ? -nanos : nanos);
  }
}
