package io.gpufleet.scheduler.setup;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the progress markers setup scripts print: {@code ##STEP n/m title}, one a line. Text before
 * the marker (a timestamp, a prefix) and a trailing CR are tolerated.
 */
public final class StepMarkers {

  /** One marker: step {@code number} of {@code total}. */
  public record Step(int number, int total, String title) {}

  private static final Pattern MARKER = Pattern.compile("##STEP\\s+(\\d{1,4})/(\\d{1,4})\\s+(.*)");

  private StepMarkers() {}

  /** The step a line announces, if it carries a well-formed marker (1 <= n <= m). */
  public static Optional<Step> parse(String line) {
    Matcher m = MARKER.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    int number = Integer.parseInt(m.group(1));
    int total = Integer.parseInt(m.group(2));
    String title = m.group(3).strip();
    if (number < 1 || number > total || title.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Step(number, total, title));
  }
}
