package io.gpufleet.api.results;

import org.jspecify.annotations.Nullable;

/**
 * One stored output of a generation: its index, file in the result store, content type, and the
 * node that produced it (null for outputs stored before nodes were recorded).
 */
public record StoredOutput(int index, String file, String contentType, @Nullable String nodeId) {

  public StoredOutput(int index, String file, String contentType) {
    this(index, file, contentType, null);
  }
}
