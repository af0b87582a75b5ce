package io.gpufleet.scheduler.setup;

import java.util.UUID;

/**
 * There is no such setup script or run. {@code code} is {@code SETUP_SCRIPT_NOT_FOUND} or {@code
 * SETUP_SCRIPT_VERSION_NOT_FOUND} or {@code EXECUTION_NOT_FOUND}; the API answers 404.
 */
public class SetupNotFoundException extends RuntimeException {

  public static final String SCRIPT = "SETUP_SCRIPT_NOT_FOUND";
  public static final String EXECUTION = "EXECUTION_NOT_FOUND";
  public static final String SCRIPT_VERSION = "SETUP_SCRIPT_VERSION_NOT_FOUND";

  private final String code;

  private SetupNotFoundException(String code, String message) {
    super(message);
    this.code = code;
  }

  static SetupNotFoundException script(UUID id) {
    return new SetupNotFoundException(SCRIPT, "There is no setup script " + id);
  }

  static SetupNotFoundException version(UUID id, int version) {
    return new SetupNotFoundException(
        SCRIPT_VERSION, "The setup script " + id + " has no version " + version);
  }

  static SetupNotFoundException builtin(String key) {
    return new SetupNotFoundException(SCRIPT, "The builtin setup script " + key + " is missing");
  }

  static SetupNotFoundException execution(UUID id) {
    return new SetupNotFoundException(EXECUTION, "There is no setup run " + id);
  }

  public String code() {
    return code;
  }
}
