package io.gpufleet.api.servers;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ApiException.FieldProblem;
import io.gpufleet.api.system.Problems;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.schedules.ScheduleInvalidException;
import io.gpufleet.scheduler.schedules.UnknownServerException;
import io.gpufleet.scheduler.servers.ServerConflictException;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The scheduler's failures about servers, their schedules and their provider, and a server's
 * ComfyUI that does not answer, as the problems of this feature.
 */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
class ServerProblems {

  static final String SERVER_NOT_FOUND = "SERVER_NOT_FOUND";
  static final String SERVER_NOT_RUNNING = "SERVER_NOT_RUNNING";
  static final String PROVIDER_UNSUPPORTED = "PROVIDER_UNSUPPORTED";
  static final String INSUFFICIENT_RESOURCES = "INSUFFICIENT_RESOURCES";
  static final String VAST_API_ERROR = "VAST_API_ERROR";
  static final String COMFY_CONNECTION_FAILED = "COMFY_CONNECTION_FAILED";

  @ExceptionHandler(ServerNotFoundException.class)
  ResponseEntity<Object> notFound(ServerNotFoundException e, HttpServletRequest request) {
    return Problems.respond(ApiException.notFound(SERVER_NOT_FOUND, e.getMessage()), request);
  }

  @ExceptionHandler(UnknownServerException.class)
  ResponseEntity<Object> unknown(UnknownServerException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.notFound(SERVER_NOT_FOUND, "There is no server " + e.serverId()), request);
  }

  @ExceptionHandler(ServerConflictException.class)
  ResponseEntity<Object> conflict(ServerConflictException e, HttpServletRequest request) {
    return Problems.respond(ApiException.conflict(e.code(), e.getMessage()), request);
  }

  @ExceptionHandler(ScheduleInvalidException.class)
  ResponseEntity<Object> scheduleInvalid(ScheduleInvalidException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.invalid(
            e.fieldErrors().entrySet().stream()
                .map(entry -> new FieldProblem(entry.getKey(), entry.getValue()))
                .toList()),
        request);
  }

  /** The provider (Vast.ai) refused or failed: ours to report, not the caller's fault. */
  @ExceptionHandler(ProviderException.class)
  ResponseEntity<Object> provider(ProviderException e, HttpServletRequest request) {
    ApiException problem =
        switch (e.reason()) {
          case UNSUPPORTED -> ApiException.conflict(PROVIDER_UNSUPPORTED, e.getMessage());
          case NO_CAPACITY -> ApiException.conflict(INSUFFICIENT_RESOURCES, e.getMessage());
          case API_ERROR, UNREACHABLE ->
              new ApiException(HttpStatus.BAD_GATEWAY, VAST_API_ERROR, e.getMessage())
                  .with("retryable", e.retryable());
        };
    return Problems.respond(problem, request);
  }

  /** A server's ComfyUI did not answer, or answered with an error. */
  @ExceptionHandler(ComfyException.class)
  ResponseEntity<Object> comfy(ComfyException e, HttpServletRequest request) {
    return Problems.respond(
        new ApiException(
                HttpStatus.BAD_GATEWAY,
                COMFY_CONNECTION_FAILED,
                "ComfyUI did not answer as expected: " + e.getMessage())
            .with("retryable", e.retryable()),
        request);
  }
}
