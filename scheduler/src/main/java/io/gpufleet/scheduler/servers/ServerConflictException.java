package io.gpufleet.scheduler.servers;

/**
 * The server is in no state for this: starting a destroyed server, stopping one that is
 * provisioning, a name already in use. {@code code} is stable (the API's problem code).
 */
public class ServerConflictException extends RuntimeException {

  private final String code;

  public ServerConflictException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
