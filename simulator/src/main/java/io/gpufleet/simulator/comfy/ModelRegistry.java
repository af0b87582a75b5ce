package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/** The model files per folder; mutable at runtime, like files landing in models/. */
final class ModelRegistry {
  static final List<String> FOLDERS =
      List.of(
          "checkpoints",
          "configs",
          "loras",
          "vae",
          "text_encoders",
          "diffusion_models",
          "clip_vision",
          "style_models",
          "embeddings",
          "diffusers",
          "vae_approx",
          "controlnet",
          "gligen",
          "upscale_models",
          "custom_nodes",
          "hypernetworks",
          "photomaker",
          "classifiers",
          "model_patches",
          "audio_encoders");

  private final Map<String, ConcurrentSkipListMap<String, Long>> byFolder =
      new ConcurrentHashMap<>();

  private volatile @Nullable Path watched;

  ModelRegistry(Map<String, List<ComfySimulatorConfig.ModelFile>> initial) {
    FOLDERS.forEach(f -> byFolder.put(f, new ConcurrentSkipListMap<>()));
    initial.forEach((folder, files) -> files.forEach(f -> add(folder, f.name(), f.sizeBytes())));
  }

  void add(String folder, String name, long sizeBytes) {
    byFolder.computeIfAbsent(folder, f -> new ConcurrentSkipListMap<>()).put(name, sizeBytes);
  }

  void watch(Path modelsDir) {
    this.watched = modelsDir;
  }

  boolean remove(String folder, String name) {
    Map<String, Long> files = byFolder.get(folder);
    return files != null && files.remove(name) != null;
  }

  boolean knowsFolder(String folder) {
    return byFolder.containsKey(folder);
  }

  List<String> folders() {
    return new ArrayList<>(
        byFolder.keySet().stream()
            .sorted(
                (a, b) -> {
                  int ia = FOLDERS.indexOf(a);
                  int ib = FOLDERS.indexOf(b);
                  return Integer.compare(
                      ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
                })
            .toList());
  }

  /** Sorted names, as ComfyUI lists them. */
  List<String> files(String folder) {
    Map<String, Long> files = byFolder.get(folder);
    if (files == null) {
      return List.of();
    }
    TreeMap<String, Long> all = new TreeMap<>(files);
    Path dir = watched;
    if (dir != null && !folder.contains("/") && !folder.contains("..")) {
      onDisk(dir.resolve(folder)).forEach(name -> all.putIfAbsent(name, 0L));
    }
    return new ArrayList<>(all.keySet());
  }

  /** Regular files, without partial downloads and hidden files (ComfyUI skips those too). */
  private static List<String> onDisk(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .filter(Files::isRegularFile)
          .map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith(".") && !n.endsWith(".part"))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
