package io.gpufleet.scheduler.pools;

import java.util.UUID;

/** There is no such pool. */
public class PoolNotFoundException extends RuntimeException {
  public PoolNotFoundException(UUID id) {
    super("There is no pool " + id);
  }
}
