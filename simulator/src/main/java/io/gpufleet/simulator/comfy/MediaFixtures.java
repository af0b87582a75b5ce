package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tiny real media files (a 1 s 64x64 test pattern, a short tone) that the save nodes whose formats
 * Java cannot encode write as their output: WebP, WebM, MP4, FLAC, MP3 and Opus. They are valid
 * files of the right format; their size and length do not follow the graph. How they were made is
 * in simulator/README.md.
 */
final class MediaFixtures {
  private static final Map<String, byte[]> LOADED = new ConcurrentHashMap<>();

  private MediaFixtures() {}

  static byte[] animatedWebp() {
    return load("animated.webp");
  }

  static byte[] stillWebp() {
    return load("still.webp");
  }

  static byte[] webm() {
    return load("clip.webm");
  }

  static byte[] mp4() {
    return load("clip.mp4");
  }

  /** The sound of a save node writing {@code format}: flac, mp3 or opus. */
  static byte[] audio(String format) {
    return load("tone." + format);
  }

  private static byte[] load(String name) {
    return LOADED.computeIfAbsent(
        name,
        n -> {
          try (InputStream in = MediaFixtures.class.getResourceAsStream("media/" + n)) {
            if (in == null) {
              throw new IllegalStateException("missing simulator media file " + n);
            }
            return in.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
