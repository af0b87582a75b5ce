package io.gpufleet.api.results;

import java.util.Locale;
import java.util.Map;

/**
 * The content type an output is recorded with: what ComfyUI answered, or, when it answered only
 * {@code application/octet-stream} (a host without that type in its mime table), the type of the
 * file name's extension.
 */
final class MediaTypes {

  private static final String OCTET = "application/octet-stream";
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("webp", "image/webp"),
          Map.entry("gif", "image/gif"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("flac", "audio/flac"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("opus", "audio/ogg"),
          Map.entry("ogg", "audio/ogg"),
          Map.entry("wav", "audio/wav"));

  private MediaTypes() {}

  static String normalize(String answered, String filename) {
    String type = answered.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      type = type.substring(0, semicolon).trim();
    }
    if (!type.isEmpty() && !OCTET.equals(type)) {
      return type;
    }
    int dot = filename.lastIndexOf('.');
    String ext = dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
    return BY_EXTENSION.getOrDefault(ext, OCTET);
  }
}
