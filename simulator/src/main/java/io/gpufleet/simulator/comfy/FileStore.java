package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The output/, input/ and temp/ directories with ComfyUI's naming and path rules. */
final class FileStore {
  private static final Pattern COUNTER = Pattern.compile("^_(\\d+)_");

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

  /**
   * Saves as {@code prefix_NNNNN_.ext} with the next free counter (shared by every extension, as
   * ComfyUI counts files of a prefix); returns [subfolder, name]. A prefix with '/' puts its
   * directory part in a subfolder; one that leaves the directory is refused like ComfyUI does.
   */
  synchronized String[] save(String type, String prefix, String extension, byte[] bytes) {
    String subfolder = "";
    String name = prefix;
    int slash = prefix.lastIndexOf('/');
    if (slash >= 0) {
      subfolder = prefix.substring(0, slash);
      name = prefix.substring(slash + 1);
    }
    Path dir = inside(base(type), subfolder);
    if (dir == null) {
      throw new OutsideOutputFolder();
    }
    String key = type + "/" + subfolder + "/" + name;
    String stem = name;
    int next = counters.computeIfAbsent(key, k -> highestCounter(dir, stem)) + 1;
    counters.put(key, next);
    String file = String.format("%s_%05d_.%s", name, next, extension);
    write(dir.resolve(file), bytes);
    return new String[] {subfolder, file};
  }

  /** ComfyUI's refusal of a filename_prefix that climbs out of the output directory. */
  static final class OutsideOutputFolder extends RuntimeException {
    OutsideOutputFolder() {
      super(
          "**** ERROR: Saving image outside the output folder is not allowed.", null, false, false);
    }
  }

  private static int highestCounter(Path dir, String name) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(f -> f.startsWith(name + "_"))
          .map(f -> COUNTER.matcher(f.substring(name.length())))
          .filter(Matcher::find)
          .mapToInt(m -> Integer.parseInt(m.group(1)))
          .max()
          .orElse(0);
    } catch (IOException | NumberFormatException e) {
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

  /** What the Load nodes list: the files directly in input/, by content type like ComfyUI. */
  enum Kind {
    IMAGE("png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff", "ico", "svg"),
    VIDEO("mp4", "webm", "mkv", "mov", "avi", "m4v", "mpeg", "mpg", "ogv", "wmv", "flv"),
    AUDIO_OR_VIDEO(
        "wav", "mp3", "flac", "ogg", "oga", "opus", "m4a", "aac", "aif", "aiff", "wma", "mp4",
        "webm", "mkv", "mov", "avi", "m4v", "mpeg", "mpg", "ogv", "wmv", "flv"),
    ANY();

    private final List<String> extensions;

    Kind(String... extensions) {
      this.extensions = List.of(extensions);
    }

    boolean accepts(String name) {
      int dot = name.lastIndexOf('.');
      return extensions.isEmpty()
          || dot >= 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
  }

  List<String> inputFiles(Kind kind) {
    try (Stream<Path> files = Files.list(root.resolve("input"))) {
      return files
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(kind::accepts)
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /**
   * The file a Load node's value names: relative to input/, or to output/ or temp/ with a {@code "
   * [output]"} / {@code " [temp]"} annotation (ComfyUI's annotated file paths).
   */
  @Nullable Path annotated(String name) {
    String type = "input";
    String rest = name;
    for (String t : List.of("output", "input", "temp")) {
      if (name.endsWith("[" + t + "]")) {
        type = t;
        rest = name.substring(0, Math.max(0, name.length() - t.length() - 3));
      }
    }
    Path base = base(type);
    return base == null || rest.isEmpty() ? null : inside(base, rest);
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
