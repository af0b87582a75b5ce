package io.gpufleet.api.system;

import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A URL the outbound policy refuses is the caller's mistake: {@code 400 URL_NOT_ALLOWED} with the
 * {@code reason}, the {@code url} refused (a redirect's, maybe) and, where known, the field.
 */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
public class UrlNotAllowed {

  /** The problem for a refusal of the URL given in {@code field}. */
  public static ApiException problem(UrlNotAllowedException e, String field) {
    return problem(e)
        .with(
            "errors",
            List.of(new ApiException.FieldProblem(field, "is not allowed: " + e.getMessage())));
  }

  /** The problem for a refusal. */
  public static ApiException problem(UrlNotAllowedException e) {
    return new ApiException(
            HttpStatus.BAD_REQUEST,
            UrlNotAllowedException.CODE,
            "The URL is not allowed: " + e.getMessage())
        .with("reason", e.getMessage())
        .with("url", e.url());
  }

  @ExceptionHandler(UrlNotAllowedException.class)
  ResponseEntity<Object> refused(UrlNotAllowedException e, HttpServletRequest request) {
    return Problems.respond(problem(e), request);
  }
}
