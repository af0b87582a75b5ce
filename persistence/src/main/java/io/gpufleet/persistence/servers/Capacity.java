package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import org.jspecify.annotations.Nullable;

/**
 * How many generations a server takes at once: {@code slots} that run side by side, and at most
 * {@code prefetch} more waiting in its ComfyUI's own queue so that it never idles between two
 * (null: the fleet's default). Everything beyond waits in the platform's queue, unbound.
 */
@Embeddable
public record Capacity(
    @Column(name = "slots", nullable = false) int slots,
    @Column(name = "prefetch") @Nullable Integer prefetch) {

  public static final int MAX = 16;
  static final Capacity DEFAULT = new Capacity(1, null);

  public Capacity {
    if (slots < 1 || slots > MAX) {
      throw new IllegalArgumentException("slots must be between 1 and " + MAX);
    }
    if (prefetch != null && (prefetch < 0 || prefetch > MAX)) {
      throw new IllegalArgumentException("prefetch must be between 0 and " + MAX);
    }
  }

  /** The prefetch in force: the server's own, else {@code fleetDefault}. */
  public int prefetchOr(int fleetDefault) {
    return prefetch == null ? fleetDefault : prefetch;
  }
}
