package io.gpufleet.scheduler.setup;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.Arrays;
import java.util.List;

/** A unified diff of two versions of a script, as {@code diff -u} would print it. */
public final class ScriptDiff {

  private static final int CONTEXT = 3;

  private ScriptDiff() {}

  /** The lines that turn {@code from} into {@code to}; empty when they are the same. */
  public static String unified(String fromName, String from, String toName, String to) {
    List<String> original = lines(from);
    List<String> revised = lines(to);
    Patch<String> patch = DiffUtils.diff(original, revised);
    if (patch.getDeltas().isEmpty()) {
      return "";
    }
    List<String> diff =
        UnifiedDiffUtils.generateUnifiedDiff(fromName, toName, original, patch, CONTEXT);
    return String.join("\n", diff) + "\n";
  }

  private static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    return Arrays.asList(body.split("\n", -1));
  }
}
