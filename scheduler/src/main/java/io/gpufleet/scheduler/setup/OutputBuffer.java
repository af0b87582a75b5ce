package io.gpufleet.scheduler.setup;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Holds a run's output between two appends to its row: lines come in from the SSH threads, chunks
 * go out to the database. Also remembers the latest step marker and the last lines of each stream,
 * which explain a failure. If the database falls behind, the oldest buffered output is dropped
 * (with a note in its place) rather than memory growing past the cap.
 */
final class OutputBuffer {

  static final int REMEMBERED_LINES = 15;

  private final int capChars;
  private final StringBuilder pending = new StringBuilder();
  private long droppedChars;
  private StepMarkers.@Nullable Step pendingStep;
  private final Deque<String> lastErrors = new ArrayDeque<>();
  private final Deque<String> lastLines = new ArrayDeque<>();

  OutputBuffer(int capChars) {
    if (capChars < 64) {
      throw new IllegalArgumentException("the cap must be at least 64 characters");
    }
    this.capChars = capChars;
  }

  /** What was taken out: output to append (maybe empty) and the latest new step (maybe none). */
  record Drained(String chunk, StepMarkers.@Nullable Step step) {
    boolean isEmpty() {
      return chunk.isEmpty() && step == null;
    }
  }

  synchronized void line(ScriptOutputListener.Stream stream, String raw) {
    // PostgreSQL text cannot hold NUL
    String line = raw.indexOf('\0') >= 0 ? raw.replace("\0", "") : raw;
    pending.append(line).append('\n');
    if (pending.length() > capChars) {
      int cut = pending.length() - capChars;
      pending.delete(0, cut);
      droppedChars += cut;
    }
    remember(stream == ScriptOutputListener.Stream.STDERR ? lastErrors : lastLines, line);
    StepMarkers.parse(line).ifPresent(step -> pendingStep = step);
  }

  /** Characters waiting to be appended. */
  synchronized int pendingChars() {
    return pending.length();
  }

  synchronized Drained drain() {
    String chunk = pending.toString();
    if (droppedChars > 0) {
      chunk = "[... " + droppedChars + " characters of output dropped ...]\n" + chunk;
      droppedChars = 0;
    }
    pending.setLength(0);
    StepMarkers.Step step = pendingStep;
    pendingStep = null;
    return new Drained(chunk, step);
  }

  /** The last lines on stderr, or on stdout when stderr stayed silent; empty if there were none. */
  synchronized String lastLines() {
    Deque<String> source = lastErrors.isEmpty() ? lastLines : lastErrors;
    return String.join("\n", List.copyOf(source));
  }

  private static void remember(Deque<String> lines, String line) {
    if (line.isBlank()) {
      return;
    }
    lines.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
    while (lines.size() > REMEMBERED_LINES) {
      lines.removeFirst();
    }
  }
}
