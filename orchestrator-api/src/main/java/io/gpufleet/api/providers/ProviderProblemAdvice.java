package io.gpufleet.api.providers;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a {@link ProviderProblem} as an RFC 9457 problem, passing a provider's Retry-After on.
 * Ordered first so that the application's catch-all advice does not take it.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProviderProblemAdvice {

  private static final Logger log = LoggerFactory.getLogger(ProviderProblemAdvice.class);

  @ExceptionHandler(ProviderProblem.class)
  ResponseEntity<ProblemDetail> problem(ProviderProblem e, HttpServletRequest request) {
    ProblemDetail problem = e.toProblemDetail(request.getRequestURI());
    if (e.status().is5xxServerError()) {
      log.error(
          "{} {} -> {} {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          e.status().value(),
          e.code(),
          e.getMessage());
    } else {
      log.warn(
          "{} {} -> {} {}: {}",
          request.getMethod(),
          request.getRequestURI(),
          e.status().value(),
          e.code(),
          e.getMessage());
    }
    ResponseEntity.BodyBuilder response =
        ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
    if (e.retryAfterSeconds() != null) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
    }
    return response.body(problem);
  }
}
