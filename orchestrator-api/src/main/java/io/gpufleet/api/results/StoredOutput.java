package io.gpufleet.api.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * One output of a generation: its index, file name, content type, the node that produced it, its
 * size and the store that holds it ({@code local}, {@code s3}, or {@code spool} while it waits for
 * the store). Outputs stored before sizes and stores were recorded have neither (they are local).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StoredOutput(
    int index,
    String file,
    String contentType,
    @Nullable String nodeId,
    @Nullable Long size,
    @Nullable String store) {

  public StoredOutput(int index, String file, String contentType) {
    this(index, file, contentType, null, null, null);
  }

  public StoredOutput(int index, String file, String contentType, @Nullable String nodeId) {
    this(index, file, contentType, nodeId, null, null);
  }

  /** The store holding it; {@code local} for outputs recorded before stores were. */
  public String storeName() {
    return store == null ? "local" : store;
  }

  public boolean spooled() {
    return ResultSpool.SPOOL.equals(store);
  }

  public StoredOutput in(String storeName, long bytes) {
    return new StoredOutput(index, file, contentType, nodeId, bytes, storeName);
  }
}
