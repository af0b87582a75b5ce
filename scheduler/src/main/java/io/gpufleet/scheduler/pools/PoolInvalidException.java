package io.gpufleet.scheduler.pools;

import java.util.Map;

/** A pool definition that is wrong in these fields (field name to what is wrong). */
public class PoolInvalidException extends RuntimeException {

  private final Map<String, String> fieldErrors;

  public PoolInvalidException(Map<String, String> fieldErrors) {
    super("Invalid pool: " + fieldErrors);
    this.fieldErrors = Map.copyOf(fieldErrors);
  }

  public Map<String, String> fieldErrors() {
    return fieldErrors;
  }
}
