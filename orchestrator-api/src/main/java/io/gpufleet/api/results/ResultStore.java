package io.gpufleet.api.results;

import io.gpufleet.api.system.GpuFleetProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Outputs copied off the servers, so they outlive them: {@code
 * <data>/results/<generation>/<n>.<ext>}.
 */
@Component
public class ResultStore {

  private final Path root;

  ResultStore(GpuFleetProperties properties) {
    this.root = properties.dataDir().resolve("results");
  }

  /** Stores output {@code index}; the answer is the file name within the generation's folder. */
  public String store(UUID generation, int index, byte[] bytes, String contentType) {
    String name = index + "." + extension(contentType);
    try {
      Path dir = Files.createDirectories(root.resolve(generation.toString()));
      Path tmp = Files.createTempFile(dir, "part", ".tmp");
      Files.write(tmp, bytes);
      Files.move(
          tmp,
          dir.resolve(name),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return name;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path path(UUID generation, String file) {
    return root.resolve(generation.toString()).resolve(file);
  }

  /** The file extension of an image's content type; {@code bin} for anything else. */
  public static String extension(String contentType) {
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("image/png")) {
      return "png";
    }
    if (type.startsWith("image/jpeg")) {
      return "jpg";
    }
    if (type.startsWith("image/webp")) {
      return "webp";
    }
    if (type.startsWith("image/gif")) {
      return "gif";
    }
    return "bin";
  }
}
