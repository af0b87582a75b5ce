package io.gpufleet.api.system;

import io.gpufleet.api.system.ApiException.FieldProblem;
import jakarta.validation.ConstraintViolationException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpStatus;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Requests that do not fit: bean validation's and binding's complaints as the fields they are
 * about, and a path, method or media type that is not served.
 */
final class InvalidRequests {

  private InvalidRequests() {}

  static ApiException of(MethodArgumentNotValidException e) {
    List<FieldProblem> errors = new ArrayList<>();
    e.getBindingResult()
        .getFieldErrors()
        .forEach(
            f -> errors.add(new FieldProblem(f.getField(), String.valueOf(f.getDefaultMessage()))));
    e.getBindingResult()
        .getGlobalErrors()
        .forEach(g -> errors.add(new FieldProblem(g.getObjectName(), g.getDefaultMessage())));
    return ApiException.invalid(errors);
  }

  static ApiException of(HandlerMethodValidationException e) {
    List<FieldProblem> errors = new ArrayList<>();
    e.getParameterValidationResults()
        .forEach(
            r -> {
              String name = r.getMethodParameter().getParameterName();
              r.getResolvableErrors()
                  .forEach(
                      err ->
                          errors.add(
                              new FieldProblem(
                                  name == null ? "parameter" : name,
                                  String.valueOf(err.getDefaultMessage()))));
            });
    return ApiException.invalid(errors);
  }

  static ApiException of(ConstraintViolationException e) {
    return ApiException.invalid(
        e.getConstraintViolations().stream()
            .map(v -> new FieldProblem(leaf(v.getPropertyPath().toString()), v.getMessage()))
            .toList());
  }

  static ApiException of(TypeMismatchException e) {
    String field = e.getPropertyName() == null ? "parameter" : e.getPropertyName();
    String expected =
        e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
    return ApiException.invalidField(
        field, "must be " + UnreadableBodies.article(expected) + ", not '" + e.getValue() + "'");
  }

  static ApiException of(MissingServletRequestParameterException e) {
    return ApiException.invalidField(e.getParameterName(), "is required");
  }

  static ApiException of(NoResourceFoundException e) {
    return ApiException.notFound(
        ErrorCodes.NOT_FOUND, "There is nothing at " + e.getResourcePath());
  }

  static ApiException of(HttpRequestMethodNotSupportedException e) {
    return new ApiException(
        HttpStatus.METHOD_NOT_ALLOWED,
        ErrorCodes.METHOD_NOT_ALLOWED,
        e.getMethod() + " is not supported here");
  }

  static ApiException of(HttpMediaTypeNotSupportedException e) {
    return new ApiException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ErrorCodes.UNSUPPORTED_MEDIA_TYPE,
        "Send " + e.getSupportedMediaTypes() + ", not " + e.getContentType());
  }

  private static String leaf(String propertyPath) {
    int dot = propertyPath.indexOf('.');
    return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
  }
}
