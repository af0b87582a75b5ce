package io.gpufleet.api.providers;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A failure of a profile or of the provider behind it, with the stable {@code code} that the
 * problem answer carries and, for a provider's 429, how long to wait. {@link ProviderProblemAdvice}
 * turns it into an RFC 9457 problem; chat streams send it as their {@code error} event.
 */
public class ProviderProblem extends RuntimeException {

  public static final String PROFILE_NOT_FOUND = "PROFILE_NOT_FOUND";
  public static final String PROFILE_NAME_TAKEN = "PROFILE_NAME_TAKEN";
  public static final String PROFILE_DISABLED = "PROFILE_DISABLED";
  public static final String MODEL_NOT_FOUND = "MODEL_NOT_FOUND";
  public static final String MODEL_EXISTS = "MODEL_EXISTS";
  public static final String PROVIDER_UNSUPPORTED = "PROVIDER_UNSUPPORTED";
  public static final String PROVIDER_AUTH_FAILED = "PROVIDER_AUTH_FAILED";
  public static final String PROVIDER_RATE_LIMITED = "PROVIDER_RATE_LIMITED";
  public static final String PROVIDER_CONNECTION_ERROR = "PROVIDER_CONNECTION_ERROR";
  public static final String PROVIDER_BAD_REQUEST = "PROVIDER_BAD_REQUEST";
  public static final String PROVIDER_ERROR = "PROVIDER_ERROR";

  private final HttpStatus status;
  private final String code;
  private final Map<String, Object> properties = new LinkedHashMap<>();
  private final @Nullable Long retryAfterSeconds;

  public ProviderProblem(
      HttpStatus status, String code, String detail, @Nullable Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    if (retryAfterSeconds != null) {
      properties.put("retryAfterSeconds", retryAfterSeconds);
    }
  }

  public ProviderProblem(HttpStatus status, String code, String detail) {
    this(status, code, detail, null);
  }

  public static ProviderProblem profileNotFound(Object idOrName) {
    return new ProviderProblem(
        HttpStatus.NOT_FOUND, PROFILE_NOT_FOUND, "There is no provider profile " + idOrName);
  }

  public ProviderProblem with(String property, @Nullable Object value) {
    if (value != null) {
      properties.put(property, value);
    }
    return this;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> properties() {
    return properties;
  }

  public @Nullable Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The problem document; chat streams also send it as their {@code error} event. */
  public ProblemDetail toProblemDetail(String path) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, getMessage());
    problem.setProperty("code", code);
    properties.forEach(problem::setProperty);
    problem.setInstance(URI.create(path));
    return problem;
  }
}
