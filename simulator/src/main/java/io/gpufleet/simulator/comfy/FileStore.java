package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The output/, input/ and temp/ directories with ComfyUI's naming and path rules. */
final class FileStore {
  private static final Pattern COUNTER = Pattern.compile("_(\\d{5})_\\.png$");

  private final Path root;
  private final Map<String, Integer> counters = new ConcurrentHashMap<>();

  FileStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    for (String d : List.of("output", "input", "temp")) {
      try {
        Files.createDirectories(this.root.resolve(d));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Nullable Path base(String type) {
    switch (type) {
      case "output":
      case "input":
      case "temp":
        return root.resolve(type);
      default:
        return null;
    }
  }

  /** Saves as {@code prefix_NNNNN_.png} with the next free counter; returns [subfolder, name]. */
  synchronized String[] save(String type, String prefix, byte[] png) {
    String subfolder = "";
    String name = prefix;
    int slash = prefix.lastIndexOf('/');
    if (slash >= 0) {
      subfolder = prefix.substring(0, slash);
      name = prefix.substring(slash + 1);
    }
    Path dir = inside(base(type), subfolder);
    if (dir == null) {
      throw new IllegalArgumentException("Saving image outside the output folder is not allowed.");
    }
    String key = type + "/" + subfolder + "/" + name;
    String stem = name;
    int next = counters.computeIfAbsent(key, k -> highestCounter(dir, stem)) + 1;
    counters.put(key, next);
    String file = String.format("%s_%05d_.png", name, next);
    write(dir.resolve(file), png);
    return new String[] {subfolder, file};
  }

  private static int highestCounter(Path dir, String name) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.startsWith(name + "_"))
          .map(COUNTER::matcher)
          .filter(Matcher::find)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .max()
          .orElse(0);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The resolved directory if {@code subfolder} stays inside {@code base}, else null. */
  static @Nullable Path inside(@Nullable Path base, String subfolder) {
    if (base == null) {
      return null;
    }
    Path dir = base.resolve(subfolder).normalize();
    return dir.startsWith(base) ? dir : null;
  }

  static void write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stores an upload; an existing different file gets {@code name (1).ext}, identical reuses. */
  synchronized String upload(Path dir, String filename, byte[] bytes, boolean overwrite) {
    Path target = dir.resolve(filename);
    if (!overwrite) {
      int i = 1;
      String stem =
          filename.contains(".") ? filename.substring(0, filename.lastIndexOf('.')) : filename;
      String ext = filename.contains(".") ? filename.substring(filename.lastIndexOf('.')) : "";
      while (Files.exists(target)) {
        if (Arrays.equals(read(target), bytes)) {
          return target.getFileName().toString();
        }
        target = dir.resolve(stem + " (" + i++ + ")" + ext);
      }
    }
    write(target, bytes);
    return target.getFileName().toString();
  }

  static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> inputImages() {
    try (Stream<Path> files = Files.list(root.resolve("input"))) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("(?i).*\\.(png|jpe?g|webp|gif|bmp)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  void wipeTemp() {
    Path temp = root.resolve("temp");
    try (Stream<Path> files = Files.walk(temp)) {
      files
          .sorted((a, b) -> b.getNameCount() - a.getNameCount())
          .filter(p -> !p.equals(temp))
          .forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A failed wipe only leaves stale previews behind.
    }
    counters.keySet().removeIf(k -> k.startsWith("temp/"));
  }
}
