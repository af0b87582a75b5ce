package io.gpufleet.api.models;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Problems;
import io.gpufleet.scheduler.models.ModelDownloadException;
import io.gpufleet.scheduler.models.ModelUrlRefusedException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The scheduler's refusals of a model download, as the problems of this feature. */
@RestControllerAdvice
@Order(Problems.FEATURE_ADVICE)
class ModelProblems {

  static final String MODEL_URL_REFUSED = "MODEL_URL_REFUSED";
  static final String DOWNLOAD_LIMIT_REACHED = "DOWNLOAD_LIMIT_REACHED";
  static final String DOWNLOAD_BUDGET_EXCEEDED = "DOWNLOAD_BUDGET_EXCEEDED";
  static final String DOWNLOAD_NOT_FOUND = "DOWNLOAD_NOT_FOUND";
  static final String SERVER_NOT_RUNNING = "SERVER_NOT_RUNNING"; // the code servers answer too

  /** A model URL (or one of its redirects) the platform will not fetch. */
  @ExceptionHandler(ModelUrlRefusedException.class)
  ResponseEntity<Object> urlRefused(ModelUrlRefusedException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.badRequest(MODEL_URL_REFUSED, "The model URL is refused: " + e.getMessage())
            .with("reason", e.getMessage())
            .with("url", e.url()),
        request);
  }

  @ExceptionHandler(ModelDownloadException.class)
  ResponseEntity<Object> download(ModelDownloadException e, HttpServletRequest request) {
    ApiException problem =
        switch (e.kind()) {
          case CONCURRENT_LIMIT ->
              new ApiException(
                  HttpStatus.TOO_MANY_REQUESTS, DOWNLOAD_LIMIT_REACHED, e.getMessage());
          case DAILY_BUDGET ->
              new ApiException(
                  HttpStatus.TOO_MANY_REQUESTS, DOWNLOAD_BUDGET_EXCEEDED, e.getMessage());
          case SERVER_NOT_RUNNING -> ApiException.conflict(SERVER_NOT_RUNNING, e.getMessage());
          case NOT_FOUND -> ApiException.notFound(DOWNLOAD_NOT_FOUND, e.getMessage());
          case INVALID -> ApiException.invalidField(e.field(), e.getMessage());
        };
    return Problems.respond(problem, request);
  }
}
