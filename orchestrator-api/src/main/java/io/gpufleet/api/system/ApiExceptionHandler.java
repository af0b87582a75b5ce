package io.gpufleet.api.system;

import io.gpufleet.api.system.ApiException.FieldProblem;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.scheduler.models.ModelDownloadException;
import io.gpufleet.scheduler.models.ModelUrlRefusedException;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.schedules.ScheduleInvalidException;
import io.gpufleet.scheduler.schedules.UnknownServerException;
import io.gpufleet.scheduler.servers.ServerConflictException;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import io.gpufleet.scheduler.setup.SetupConflictException;
import io.gpufleet.scheduler.setup.SetupNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * The one place where failures become RFC 9457 problems with a stable {@code code}. A client's
 * mistake is a 4xx logged at WARN; only our own faults are 5xx, logged at ERROR.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
    ProblemDetail problem = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
    problem.setProperty("code", e.code());
    e.properties().forEach(problem::setProperty);
    return respond(problem, request, e);
  }

  @ExceptionHandler(ServerNotFoundException.class)
  ResponseEntity<Object> serverNotFound(ServerNotFoundException e, HttpServletRequest request) {
    return api(ApiException.notFound(ErrorCodes.SERVER_NOT_FOUND, e.getMessage()), request);
  }

  @ExceptionHandler(UnknownServerException.class)
  ResponseEntity<Object> unknownServer(UnknownServerException e, HttpServletRequest request) {
    return api(
        ApiException.notFound(ErrorCodes.SERVER_NOT_FOUND, "There is no server " + e.serverId()),
        request);
  }

  @ExceptionHandler(ServerConflictException.class)
  ResponseEntity<Object> serverConflict(ServerConflictException e, HttpServletRequest request) {
    return api(ApiException.conflict(e.code(), e.getMessage()), request);
  }

  @ExceptionHandler(SetupNotFoundException.class)
  ResponseEntity<Object> setupNotFound(SetupNotFoundException e, HttpServletRequest request) {
    return api(ApiException.notFound(e.code(), e.getMessage()), request);
  }

  @ExceptionHandler(SetupConflictException.class)
  ResponseEntity<Object> setupConflict(SetupConflictException e, HttpServletRequest request) {
    return api(ApiException.conflict(e.code(), e.getMessage()), request);
  }

  /** A model URL (or one of its redirects) the platform will not fetch. */
  @ExceptionHandler(ModelUrlRefusedException.class)
  ResponseEntity<Object> modelUrlRefused(ModelUrlRefusedException e, HttpServletRequest request) {
    return api(
        ApiException.badRequest(
                ErrorCodes.MODEL_URL_REFUSED, "The model URL is refused: " + e.getMessage())
            .with("reason", e.getMessage())
            .with("url", e.url()),
        request);
  }

  @ExceptionHandler(ModelDownloadException.class)
  ResponseEntity<Object> modelDownload(ModelDownloadException e, HttpServletRequest request) {
    ApiException problem =
        switch (e.kind()) {
          case CONCURRENT_LIMIT ->
              new ApiException(
                  HttpStatus.TOO_MANY_REQUESTS, ErrorCodes.DOWNLOAD_LIMIT_REACHED, e.getMessage());
          case DAILY_BUDGET ->
              new ApiException(
                  HttpStatus.TOO_MANY_REQUESTS,
                  ErrorCodes.DOWNLOAD_BUDGET_EXCEEDED,
                  e.getMessage());
          case SERVER_NOT_RUNNING ->
              ApiException.conflict(ErrorCodes.SERVER_NOT_RUNNING, e.getMessage());
          case NOT_FOUND -> ApiException.notFound(ErrorCodes.DOWNLOAD_NOT_FOUND, e.getMessage());
          case INVALID -> ApiException.invalidField(e.field(), e.getMessage());
        };
    return api(problem, request);
  }

  @ExceptionHandler(ScheduleInvalidException.class)
  ResponseEntity<Object> scheduleInvalid(ScheduleInvalidException e, HttpServletRequest request) {
    List<FieldProblem> errors =
        e.fieldErrors().entrySet().stream()
            .map(entry -> new FieldProblem(entry.getKey(), entry.getValue()))
            .toList();
    return api(ApiException.invalid(summary(errors), errors), request);
  }

  /** The provider (Vast.ai) refused or failed: ours to report, not the caller's fault. */
  @ExceptionHandler(ProviderException.class)
  ResponseEntity<Object> provider(ProviderException e, HttpServletRequest request) {
    ApiException problem =
        switch (e.reason()) {
          case UNSUPPORTED -> ApiException.conflict("PROVIDER_UNSUPPORTED", e.getMessage());
          case NO_CAPACITY ->
              ApiException.conflict(ErrorCodes.INSUFFICIENT_RESOURCES, e.getMessage());
          case API_ERROR, UNREACHABLE ->
              new ApiException(HttpStatus.BAD_GATEWAY, ErrorCodes.VAST_API_ERROR, e.getMessage())
                  .with("retryable", e.retryable());
        };
    return api(problem, request);
  }

  /** A server's ComfyUI did not answer, or answered with an error. */
  @ExceptionHandler(ComfyException.class)
  ResponseEntity<Object> comfy(ComfyException e, HttpServletRequest request) {
    return api(
        new ApiException(
                HttpStatus.BAD_GATEWAY,
                ErrorCodes.COMFY_CONNECTION_FAILED,
                "ComfyUI did not answer as expected: " + e.getMessage())
            .with("retryable", e.retryable()),
        request);
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> constraintViolation(
      ConstraintViolationException e, HttpServletRequest request) {
    List<FieldProblem> errors =
        e.getConstraintViolations().stream()
            .map(v -> new FieldProblem(leaf(v.getPropertyPath().toString()), v.getMessage()))
            .toList();
    return api(ApiException.invalid(summary(errors), errors), request);
  }

  @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
  ResponseEntity<Object> accessDenied(RuntimeException e, HttpServletRequest request) {
    return api(
        new ApiException(
            HttpStatus.FORBIDDEN, ErrorCodes.FORBIDDEN, "Your role does not allow this"),
        request);
  }

  @ExceptionHandler(OptimisticLockingFailureException.class)
  ResponseEntity<Object> concurrentChange(
      OptimisticLockingFailureException e, HttpServletRequest request) {
    return api(
        ApiException.conflict(
            ErrorCodes.CONFLICT, "Someone else changed this at the same time; read it and retry"),
        request);
  }

  @ExceptionHandler(MultipartException.class)
  ResponseEntity<Object> multipart(MultipartException e, HttpServletRequest request) {
    if (e instanceof MaxUploadSizeExceededException) {
      return api(
          new ApiException(
              HttpStatus.CONTENT_TOO_LARGE,
              ErrorCodes.PAYLOAD_TOO_LARGE,
              "The upload is larger than allowed"),
          request);
    }
    return api(
        ApiException.badRequest(ErrorCodes.MALFORMED_REQUEST, "The multipart body is malformed"),
        request);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    ProblemDetail problem =
        ProblemDetail.forStatusAndDetail(
            HttpStatus.INTERNAL_SERVER_ERROR,
            "Something went wrong on our side; it has been logged");
    problem.setProperty("code", ErrorCodes.INTERNAL_ERROR);
    return respond(problem, request, e);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors =
        e.getBindingResult().getFieldErrors().stream()
            .map(f -> new FieldProblem(f.getField(), String.valueOf(f.getDefaultMessage())))
            .collect(Collectors.toList());
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldProblem(g.getObjectName(), g.getDefaultMessage())));
    return api(ApiException.invalid(summary(errors), errors), servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    List<FieldProblem> errors =
        e.getParameterValidationResults().stream()
            .flatMap(
                r ->
                    r.getResolvableErrors().stream()
                        .map(
                            err ->
                                new FieldProblem(
                                    r.getMethodParameter().getParameterName() == null
                                        ? "parameter"
                                        : r.getMethodParameter().getParameterName(),
                                    String.valueOf(err.getDefaultMessage()))))
            .toList();
    return api(ApiException.invalid(summary(errors), errors), servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return api(unreadable(e), servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
    String expected =
        e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
    return api(
        ApiException.invalidField(
            field, "must be " + article(expected) + ", not '" + e.getValue() + "'"),
        servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return api(ApiException.invalidField(e.getParameterName(), "is required"), servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> createResponseEntity(
      @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
      problem.setProperty("code", codeFor(status));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    return api(
        ApiException.notFound(ErrorCodes.NOT_FOUND, "There is nothing at " + e.getResourcePath()),
        servlet(request));
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      HttpRequestMethodNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    ResponseEntity<Object> response =
        api(
            new ApiException(
                HttpStatus.METHOD_NOT_ALLOWED,
                ErrorCodes.METHOD_NOT_ALLOWED,
                e.getMethod() + " is not supported here"),
            servlet(request));
    return ResponseEntity.status(response.getStatusCode())
        .headers(headers)
        .body(response.getBody());
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException e,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    return api(
        new ApiException(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
            "Send " + e.getSupportedMediaTypes() + ", not " + e.getContentType()),
        servlet(request));
  }

  private static String codeFor(HttpStatusCode status) {
    return switch (status.value()) {
      case 400 -> ErrorCodes.MALFORMED_REQUEST;
      case 401 -> ErrorCodes.UNAUTHENTICATED;
      case 403 -> ErrorCodes.FORBIDDEN;
      case 404 -> ErrorCodes.NOT_FOUND;
      case 405 -> ErrorCodes.METHOD_NOT_ALLOWED;
      case 406 -> ErrorCodes.NOT_ACCEPTABLE;
      case 409 -> ErrorCodes.CONFLICT;
      case 413 -> ErrorCodes.PAYLOAD_TOO_LARGE;
      case 415 -> ErrorCodes.UNSUPPORTED_MEDIA_TYPE;
      case 429 -> ErrorCodes.RATE_LIMITED;
      default ->
          status.is4xxClientError() ? ErrorCodes.MALFORMED_REQUEST : ErrorCodes.INTERNAL_ERROR;
    };
  }

  /** Says which field was wrong and how, without echoing Jackson's internals. */
  private static ApiException unreadable(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
        return new ApiException(
            HttpStatus.CONTENT_TOO_LARGE, ErrorCodes.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
      }
    }
    Throwable cause = e.getMostSpecificCause();
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t instanceof JacksonException) {
        cause = t; // the outermost Jackson failure knows the field; its root cause does not
        break;
      }
    }
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return ApiException.invalidField(path(unknown), "is not a known field");
    }
    if (cause instanceof InvalidFormatException format) {
      Class<?> target = format.getTargetType();
      String expected =
          target != null && target.isEnum()
              ? "one of " + java.util.Arrays.toString(target.getEnumConstants())
              : article(target == null ? "another type" : target.getSimpleName());
      return ApiException.invalidField(
          path(format), "must be " + expected + ", not '" + format.getValue() + "'");
    }
    if (cause instanceof MismatchedInputException mismatch && mismatch.getPath().isEmpty()) {
      return ApiException.badRequest(
          ErrorCodes.MALFORMED_REQUEST, "The body must be a JSON object of the documented shape");
    }
    if (cause instanceof MismatchedInputException mismatch) {
      Class<?> target = mismatch.getTargetType();
      return ApiException.invalidField(
          path(mismatch),
          "has the wrong type"
              + (target == null ? "" : "; expected " + article(target.getSimpleName())));
    }
    if (cause instanceof StreamReadException) {
      return ApiException.badRequest(
          ErrorCodes.MALFORMED_REQUEST, "The body is not valid JSON: " + firstLine(cause));
    }
    if (cause instanceof JacksonException jackson && !jackson.getPath().isEmpty()) {
      return ApiException.invalidField(path(jackson), firstLine(jackson));
    }
    return ApiException.badRequest(
        ErrorCodes.MALFORMED_REQUEST, "The request body is missing or cannot be read");
  }

  private static String path(JacksonException e) {
    StringBuilder path = new StringBuilder();
    for (JacksonException.Reference reference : e.getPath()) {
      if (reference.getPropertyName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(reference.getPropertyName());
      } else if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      }
    }
    return path.length() == 0 ? "body" : path.toString();
  }

  private static String firstLine(Throwable e) {
    String message =
        e instanceof JacksonException j && j.getOriginalMessage() != null
            ? j.getOriginalMessage()
            : String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  private static String article(String type) {
    return switch (type) {
      case "Integer", "int", "Long", "long", "Short", "short" -> "a whole number";
      case "Double", "double", "Float", "float", "BigDecimal" -> "a number";
      case "Boolean", "boolean" -> "true or false";
      case "UUID" -> "a UUID";
      case "String" -> "a string";
      case "Instant", "OffsetDateTime" -> "an ISO-8601 timestamp";
      case "LocalTime" -> "a time like 08:30";
      default -> "a valid " + type;
    };
  }

  private static String leaf(String propertyPath) {
    int dot = propertyPath.indexOf('.');
    return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
  }

  private static String summary(List<FieldProblem> errors) {
    if (errors.isEmpty()) {
      return "The request is not valid";
    }
    return errors.stream()
        .map(f -> f.field() + " " + f.message())
        .collect(Collectors.joining("; "));
  }

  private static HttpServletRequest servlet(WebRequest request) {
    return ((ServletWebRequest) request).getRequest();
  }

  private ResponseEntity<Object> respond(
      ProblemDetail problem, HttpServletRequest request, Exception cause) {
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
        .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
        .body(problem);
  }
}
