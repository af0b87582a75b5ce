package io.gpufleet.scheduler.setup;

/**
 * A setup request that the current state forbids: a server not running, a run already under way, a
 * script name taken, a builtin or used script deleted. {@code code} is stable (the API's problem
 * code); the API answers 409.
 */
public class SetupConflictException extends RuntimeException {

  public static final String SERVER_NOT_RUNNING = "SERVER_NOT_RUNNING";
  public static final String SERVER_NO_SSH = "SERVER_NO_SSH";
  public static final String SETUP_ALREADY_RUNNING = "SETUP_ALREADY_RUNNING";
  public static final String SCRIPT_NAME_TAKEN = "SETUP_SCRIPT_NAME_TAKEN";
  public static final String SCRIPT_BUILTIN = "SETUP_SCRIPT_BUILTIN";
  public static final String SCRIPT_IN_USE = "SETUP_SCRIPT_IN_USE";
  public static final String SCRIPT_WRONG_KIND = "SETUP_SCRIPT_WRONG_KIND";

  private final String code;

  public SetupConflictException(String code, String message) {
    super(message);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
