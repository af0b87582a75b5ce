package io.gpufleet.api.system;

import org.springframework.http.HttpStatusCode;

/**
 * The stable {@code code} values of problems no one feature owns. Clients may rely on them. Each
 * feature keeps its own codes beside the code that answers them ({@code SERVER_NOT_FOUND} in
 * servers, {@code WORKFLOW_INVALID} in workflows, …).
 */
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

  /** 503: no database connection came free in time; retry after {@code Retry-After}. */
  public static final String DATABASE_BUSY = "DATABASE_BUSY";

  private ErrorCodes() {}

  /** The code a bare status implies, for Spring's own problems that carry none. */
  static String forStatus(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> MALFORMED_REQUEST;
      case 401 -> UNAUTHENTICATED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 405 -> METHOD_NOT_ALLOWED;
      case 406 -> NOT_ACCEPTABLE;
      case 409 -> CONFLICT;
      case 413 -> PAYLOAD_TOO_LARGE;
      case 415 -> UNSUPPORTED_MEDIA_TYPE;
      case 429 -> RATE_LIMITED;
      default -> status.is4xxClientError() ? MALFORMED_REQUEST : INTERNAL_ERROR;
    };
  }
}
