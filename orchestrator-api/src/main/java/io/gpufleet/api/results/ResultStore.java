package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Where outputs are kept once copied off their server, so they outlive it: a directory under the
 * data directory ({@code local}) or an S3-compatible bucket ({@code s3}). Objects are named by
 * generation and file name; files are streamed both ways, never held whole in memory.
 */
public interface ResultStore {

  /** The name outputs record (and configuration uses): {@code local} or {@code s3}. */
  String kind();

  /**
   * Stores {@code source} as {@code file} of {@code generation}, verifying its checksum on the way.
   *
   * @throws StoreUnavailable when the store cannot take it now (down, refused, checksum mismatch):
   *     the caller keeps the file and tries again later
   */
  Stored put(UUID generation, String file, Path source, String contentType);

  /** Its bytes, streamed; empty when it is not there. The caller closes the stream. */
  Optional<InputStream> open(UUID generation, String file) throws IOException;

  /** Its size in bytes; empty when it is not there. */
  Optional<Long> size(UUID generation, String file);

  /** Deletes it; nothing happens when it is not there. */
  void delete(UUID generation, String file);

  /**
   * A URL that serves it without the platform for {@code ttl}, when the store can sign one (S3);
   * empty otherwise.
   */
  Optional<URI> presignedUrl(UUID generation, String file, String contentType, Duration ttl);

  /** What a put stored: its size and the checksum that was verified. */
  record Stored(long size, String checksum) {}

  /** The store is down or refused the object; the caller's copy is still the only one. */
  final class StoreUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreUnavailable(String message, Throwable cause) {
      super(message, cause);
    }

    public StoreUnavailable(String message) {
      super(message);
    }
  }

  /**
   * The file extension of an output's content type, as ComfyUI's save nodes name them; {@code bin}
   * for anything unknown.
   */
  static String extension(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    int semicolon = type.indexOf(';');
    if (semicolon >= 0) {
      type = type.substring(0, semicolon).trim();
    }
    switch (type) {
      case "image/png":
      case "image/apng":
        return "png";
      case "image/jpeg":
        return "jpg";
      case "image/webp":
        return "webp";
      case "image/gif":
        return "gif";
      case "video/mp4":
        return "mp4";
      case "video/webm":
        return "webm";
      case "audio/flac":
      case "audio/x-flac":
        return "flac";
      case "audio/mpeg":
      case "audio/mp3":
        return "mp3";
      case "audio/ogg":
      case "audio/opus":
        return "opus";
      case "audio/wav":
      case "audio/x-wav":
        return "wav";
      default:
        return "bin";
    }
  }
}
