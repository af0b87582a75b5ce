package io.gpufleet.api.system;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import org.apache.tomcat.util.http.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Failures become RFC 9457 problems here: every feature's {@link ApiException}, and what no feature
 * owns (validation, unreadable bodies, security, concurrent changes, anything unexpected). Features
 * map other modules' exceptions in advices of their own, ordered before this one.
 */
@RestControllerAdvice
@Order(Ordered.LOWEST_PRECEDENCE)
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Object> api(ApiException e, HttpServletRequest request) {
    return Problems.respond(e, request);
  }

  @ExceptionHandler(ConstraintViolationException.class)
  ResponseEntity<Object> constraintViolation(ConstraintViolationException e, HttpServletRequest r) {
    return Problems.respond(InvalidRequests.of(e), r);
  }

  @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
  ResponseEntity<Object> accessDenied(RuntimeException e, HttpServletRequest request) {
    return Problems.respond(
        new ApiException(
            HttpStatus.FORBIDDEN, ErrorCodes.FORBIDDEN, "Your role does not allow this"),
        request);
  }

  @ExceptionHandler(OptimisticLockingFailureException.class)
  ResponseEntity<Object> concurrentChange(RuntimeException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.conflict(
            ErrorCodes.CONFLICT, "Someone else changed this at the same time; read it and retry"),
        request);
  }

  /** A query string whose percent-encoding is not UTF-8 (overlong forms, lone surrogates). */
  @ExceptionHandler(InvalidParameterException.class)
  ResponseEntity<Object> undecodableParameter(RuntimeException e, HttpServletRequest request) {
    return Problems.respond(
        ApiException.badRequest(
            ErrorCodes.VALIDATION_ERROR,
            "A query parameter is not valid percent-encoded UTF-8; encode its value as UTF-8"),
        request);
  }

  @ExceptionHandler(MultipartException.class)
  ResponseEntity<Object> multipart(MultipartException e, HttpServletRequest request) {
    return Problems.respond(UnreadableBodies.problem(e), request);
  }

  /**
   * The pool had no connection for the request within its timeout: 503 with Retry-After (see {@link
   * DatabaseBusy}). Spring wraps the pool's exception differently per path (a transaction, a
   * JdbcTemplate, a repository), so its causes are looked at here and in {@link #unexpected}.
   */
  @ExceptionHandler({
    CannotCreateTransactionException.class,
    DataAccessResourceFailureException.class
  })
  ResponseEntity<Object> databaseBusy(Exception e, HttpServletRequest request) {
    if (!DatabaseBusy.causedBy(e)) {
      return unexpected(e, request);
    }
    ResponseEntity<Object> problem = Problems.respond(DatabaseBusy.problem(), request);
    return ResponseEntity.status(problem.getStatusCode())
        .headers(problem.getHeaders())
        .header(HttpHeaders.RETRY_AFTER, Long.toString(DatabaseBusy.RETRY_AFTER_SECONDS))
        .body(problem.getBody());
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Object> unexpected(Exception e, HttpServletRequest request) {
    if (DatabaseBusy.causedBy(e)
        && !(e instanceof CannotCreateTransactionException)
        && !(e instanceof DataAccessResourceFailureException)) {
      return databaseBusy(e, request);
    }
    String detail = "Something went wrong on our side; it has been logged";
    return Problems.respond(
        new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, ErrorCodes.INTERNAL_ERROR, detail),
        request,
        e);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
      MethodArgumentNotValidException e, HttpHeaders h, HttpStatusCode s, WebRequest request) {
    return respond(InvalidRequests.of(e), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
      HandlerMethodValidationException e, HttpHeaders h, HttpStatusCode s, WebRequest request) {
    return respond(InvalidRequests.of(e), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
      HttpMessageNotReadableException e, HttpHeaders h, HttpStatusCode s, WebRequest request) {
    return respond(UnreadableBodies.problem(e), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleTypeMismatch(
      TypeMismatchException e, HttpHeaders h, HttpStatusCode s, WebRequest request) {
    return respond(InvalidRequests.of(e), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
      MissingServletRequestParameterException e, HttpHeaders h, HttpStatusCode s, WebRequest r) {
    return respond(InvalidRequests.of(e), r);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleNoResourceFoundException(
      NoResourceFoundException e, HttpHeaders h, HttpStatusCode s, WebRequest request) {
    return respond(InvalidRequests.of(e), request);
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      HttpRequestMethodNotSupportedException e, HttpHeaders h, HttpStatusCode s, WebRequest r) {
    ResponseEntity<Object> response = respond(InvalidRequests.of(e), r); // with its Allow header
    return ResponseEntity.status(response.getStatusCode()).headers(h).body(response.getBody());
  }

  @Override
  protected @Nullable ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException e, HttpHeaders h, HttpStatusCode s, WebRequest r) {
    return respond(InvalidRequests.of(e), r);
  }

  /** The other Spring MVC failures: their own problem, with the code their status implies. */
  @Override
  protected @Nullable ResponseEntity<Object> createResponseEntity(
      @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
    if (body instanceof ProblemDetail problem
        && (problem.getProperties() == null || !problem.getProperties().containsKey("code"))) {
      problem.setProperty("code", ErrorCodes.forStatus(status));
    }
    return super.createResponseEntity(body, headers, status, request);
  }

  private static ResponseEntity<Object> respond(ApiException e, WebRequest request) {
    return Problems.respond(e, ((ServletWebRequest) request).getRequest());
  }
}
