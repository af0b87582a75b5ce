package io.gpufleet.api.system;

/** The stable {@code code} values of problem responses. Clients may rely on them. */
public final class ErrorCodes {
  public static final String VALIDATION_ERROR = "VALIDATION_ERROR";
  public static final String MALFORMED_REQUEST = "MALFORMED_REQUEST";
  public static final String PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE";
  public static final String UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE";
  public static final String METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED";
  public static final String NOT_ACCEPTABLE = "NOT_ACCEPTABLE";
  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String UNAUTHENTICATED = "UNAUTHENTICATED";
  public static final String FORBIDDEN = "FORBIDDEN";
  public static final String RATE_LIMITED = "RATE_LIMITED";
  public static final String CONFLICT = "CONFLICT";
  public static final String INTERNAL_ERROR = "INTERNAL_ERROR";

  public static final String USER_NOT_FOUND = "USER_NOT_FOUND";
  public static final String USERNAME_TAKEN = "USERNAME_TAKEN";
  public static final String API_KEY_NOT_FOUND = "API_KEY_NOT_FOUND";
  public static final String LAST_ADMIN = "LAST_ADMIN";
  public static final String BAD_CREDENTIALS = "BAD_CREDENTIALS";

  public static final String SERVER_NOT_FOUND = "SERVER_NOT_FOUND";
  public static final String SERVER_NOT_RUNNING = "SERVER_NOT_RUNNING";
  public static final String VAST_API_ERROR = "VAST_API_ERROR";
  public static final String COMFY_CONNECTION_FAILED = "COMFY_CONNECTION_FAILED";
  public static final String WORKFLOW_INVALID = "WORKFLOW_INVALID";
  public static final String GENERATION_FAILED = "GENERATION_FAILED";
  public static final String MODEL_NOT_FOUND = "MODEL_NOT_FOUND";
  public static final String INSUFFICIENT_RESOURCES = "INSUFFICIENT_RESOURCES";
  public static final String MODEL_URL_REFUSED = "MODEL_URL_REFUSED";
  public static final String DOWNLOAD_LIMIT_REACHED = "DOWNLOAD_LIMIT_REACHED";
  public static final String DOWNLOAD_BUDGET_EXCEEDED = "DOWNLOAD_BUDGET_EXCEEDED";
  public static final String DOWNLOAD_NOT_FOUND = "DOWNLOAD_NOT_FOUND";

  private ErrorCodes() {}
}
