package io.gpufleet.scheduler.pools;

/** A pool change that clashes with what exists (a taken name, a server in another pool). */
public class PoolConflictException extends RuntimeException {

  private final String code;

  public PoolConflictException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
