package io.gpufleet.api.system;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The one way a failure is answered: an RFC 9457 problem with its {@code code}, the request path as
 * its {@code instance}, logged at WARN for the client's mistakes and at ERROR for ours.
 *
 * <p>A feature that maps another module's exceptions to its problems does so in an advice of its
 * own ordered {@link #FEATURE_ADVICE}, ahead of {@link ApiExceptionHandler}, whose catch-all would
 * otherwise answer first.
 */
public final class Problems {

  /** The order of features' advices: before the central one (which is the lowest). */
  public static final int FEATURE_ADVICE = 0;

  // the category operators know these lines by
  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  private Problems() {}

  public static ResponseEntity<Object> respond(ApiException e, HttpServletRequest request) {
    return respond(e, request, e);
  }

  /** {@code cause}: what the log shows of a 5xx (the failure that the problem stands for). */
  static ResponseEntity<Object> respond(
      ApiException e, HttpServletRequest request, Exception cause) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setProperty("code", e.code());
    e.properties().forEach(problem::setProperty);
    problem.setInstance(URI.create(request.getRequestURI()));
    HttpStatus status = HttpStatus.valueOf(problem.getStatus());
    if (status.is5xxServerError()) {
      log.error("{} {} failed", request.getMethod(), request.getRequestURI(), cause);
    } else {
      log.warn(
          "{} {} -> {} {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          status.value(),
          problem.getProperties() == null ? "" : problem.getProperties().get("code"),
          problem.getDetail());
    }
    return ResponseEntity.status(status)
        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
