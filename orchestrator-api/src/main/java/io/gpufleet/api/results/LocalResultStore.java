package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** Outputs on the platform's own disk: {@code <data>/results/<generation>/<file>}. */
final class LocalResultStore implements ResultStore {

  private final Path root;

  LocalResultStore(Path root) {
    this.root = root;
  }

  @Override
  public String kind() {
    return "local";
  }

  @Override
  public Stored put(UUID generation, String file, Path source, String contentType) {
    try {
      Path dir = Files.createDirectories(root.resolve(generation.toString()));
      Path tmp = Files.createTempFile(dir, "part", ".tmp");
      try {
        String sha;
        try (InputStream in = Files.newInputStream(source)) {
          sha = Checksums.copySha256(in, tmp);
        }
        // the copy is read back: a disk that corrupts what it writes is a store that is down
        String written;
        try (InputStream in = Files.newInputStream(tmp)) {
          written = Checksums.sha256(in);
        }
        if (!sha.equals(written)) {
          throw new StoreUnavailable("the copy of " + file + " does not match its source");
        }
        long size = Files.size(tmp);
        Files.move(
            tmp,
            path(generation, file),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        return new Stored(size, "sha256:" + sha);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new StoreUnavailable("could not write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<InputStream> open(UUID generation, String file) throws IOException {
    try {
      return Optional.of(Files.newInputStream(path(generation, file)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<Long> size(UUID generation, String file) {
    Path path = path(generation, file);
    try {
      return Files.isRegularFile(path) ? Optional.of(Files.size(path)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public void delete(UUID generation, String file) {
    try {
      Files.deleteIfExists(path(generation, file));
      Path dir = root.resolve(generation.toString());
      try (var left = Files.list(dir)) {
        if (left.findAny().isEmpty()) {
          Files.deleteIfExists(dir);
        }
      }
    } catch (NoSuchFileException e) {
      // already gone
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public Optional<URI> presignedUrl(
      UUID generation, String file, String contentType, Duration ttl) {
    return Optional.empty();
  }

  Path root() {
    return root;
  }

  Path path(UUID generation, String file) {
    Path path = root.resolve(generation.toString()).resolve(file).normalize();
    if (!path.startsWith(root.resolve(generation.toString()))) {
      throw new IllegalArgumentException("Not a file name: " + file);
    }
    return path;
  }
}
