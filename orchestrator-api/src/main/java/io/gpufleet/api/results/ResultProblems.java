package io.gpufleet.api.results;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A result store that cannot answer is the platform's trouble (503), not the caller's. */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
class ResultProblems {

  static final String RESULT_STORE_UNAVAILABLE = "RESULT_STORE_UNAVAILABLE";

  @ExceptionHandler(ResultStore.StoreUnavailable.class)
  ResponseEntity<Object> unavailable(ResultStore.StoreUnavailable e, HttpServletRequest request) {
    return Problems.respond(
        new ApiException(HttpStatus.SERVICE_UNAVAILABLE, RESULT_STORE_UNAVAILABLE, e.getMessage()),
        request);
  }
}
