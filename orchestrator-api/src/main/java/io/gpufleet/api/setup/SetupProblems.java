package io.gpufleet.api.setup;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Problems;
import io.gpufleet.scheduler.setup.SetupConflictException;
import io.gpufleet.scheduler.setup.SetupNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The scheduler's failures about setup scripts and runs, with the codes they carry. */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
class SetupProblems {

  @ExceptionHandler(SetupNotFoundException.class)
  ResponseEntity<Object> notFound(SetupNotFoundException e, HttpServletRequest request) {
    return Problems.respond(ApiException.notFound(e.code(), e.getMessage()), request);
  }

  @ExceptionHandler(SetupConflictException.class)
  ResponseEntity<Object> conflict(SetupConflictException e, HttpServletRequest request) {
    return Problems.respond(ApiException.conflict(e.code(), e.getMessage()), request);
  }
}
