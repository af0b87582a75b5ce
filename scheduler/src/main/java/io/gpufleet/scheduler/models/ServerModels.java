package io.gpufleet.scheduler.models;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The model files of one server by folder, as read from its ComfyUI and its disk.
 *
 * @param folders folder → files, sorted by name
 */
public record ServerModels(UUID serverId, Instant seenAt, Map<String, List<ModelFile>> folders) {

  /** One file; the size is null when only ComfyUI listed it. */
  public record ModelFile(String name, @Nullable Long sizeBytes) {}
}
