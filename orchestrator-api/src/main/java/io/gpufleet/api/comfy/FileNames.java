package io.gpufleet.api.comfy;

import io.gpufleet.api.results.ResultStore;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file names this endpoint answers, each mapping back to one stored file: an output is {@code
 * <generation>-<index>.<ext>} (type {@code output}), an upload {@code <upload>.<ext>} (type {@code
 * input}). Clients pass them back to {@code /view} and in LoadImage nodes unchanged.
 */
final class FileNames {

  private static final String UUID_RE = "[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}";
  private static final Pattern OUTPUT = Pattern.compile("(" + UUID_RE + ")-(\\d{1,6})\\.\\w+");
  private static final Pattern UPLOAD = Pattern.compile("(" + UUID_RE + ")\\.\\w+");

  private FileNames() {}

  /** Output {@code index} of a generation. */
  record OutputRef(UUID generation, int index) {}

  static String output(UUID generation, int index, String contentType) {
    return generation + "-" + index + "." + ResultStore.extension(contentType);
  }

  static String upload(UUID upload, String contentType) {
    return upload + "." + ResultStore.extension(contentType);
  }

  static Optional<OutputRef> parseOutput(String filename) {
    Matcher m = OUTPUT.matcher(filename);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new OutputRef(UUID.fromString(m.group(1)), Integer.parseInt(m.group(2))));
  }

  /**
   * The upload a value names: our file name, as LoadImage gets it, perhaps after a subfolder and
   * with the front-end's {@code " [input]"} annotation (or another folder's).
   */
  static Optional<UUID> parseUpload(String value) {
    String v = value.replaceFirst(" \\[(input|output|temp)]$", "");
    v = v.substring(v.lastIndexOf('/') + 1);
    Matcher m = UPLOAD.matcher(v);
    return m.matches() ? Optional.of(UUID.fromString(m.group(1))) : Optional.empty();
  }
}
