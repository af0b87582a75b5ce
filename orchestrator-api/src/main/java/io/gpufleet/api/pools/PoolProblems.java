package io.gpufleet.api.pools;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ApiException.FieldProblem;
import io.gpufleet.api.system.Problems;
import io.gpufleet.scheduler.pools.PoolConflictException;
import io.gpufleet.scheduler.pools.PoolInvalidException;
import io.gpufleet.scheduler.pools.PoolNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The scheduler's failures about pools as this feature's problems: {@code POOL_NOT_FOUND}, {@code
 * POOL_NAME_TAKEN} and {@code POOL_SERVER_TAKEN} (409), field errors as {@code VALIDATION_ERROR}.
 */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
class PoolProblems {

  static final String POOL_NOT_FOUND = "POOL_NOT_FOUND";

  @ExceptionHandler(PoolNotFoundException.class)
  ResponseEntity<Object> notFound(PoolNotFoundException e, HttpServletRequest request) {
    return Problems.respond(ApiException.notFound(POOL_NOT_FOUND, e.getMessage()), request);
  }

  @ExceptionHandler(PoolConflictException.class)
  ResponseEntity<Object> conflict(PoolConflictException e, HttpServletRequest request) {
    return Problems.respond(ApiException.conflict(e.code(), e.getMessage()), request);
  }

  @ExceptionHandler(PoolInvalidException.class)
  ResponseEntity<Object> invalid(PoolInvalidException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.invalid(
            e.fieldErrors().entrySet().stream()
                .map(entry -> new FieldProblem(entry.getKey(), entry.getValue()))
                .toList()),
        request);
  }
}
