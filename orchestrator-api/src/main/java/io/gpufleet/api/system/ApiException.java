package io.gpufleet.api.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;

/**
 * A failure the caller can act on: its status, a stable {@code code} that clients may switch on,
 * and any fields the problem carries. Every feature throws its own failures as these, its codes
 * beside the code that throws them; {@link ApiExceptionHandler} answers them all alike.
 */
public class ApiException extends RuntimeException {

  private final HttpStatus status;
  private final String code;
  private final Map<String, Object> properties = new LinkedHashMap<>();

  public ApiException(HttpStatus status, String code, String detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }

  public static ApiException notFound(String code, String detail) {
    return new ApiException(HttpStatus.NOT_FOUND, code, detail);
  }

  public static ApiException conflict(String code, String detail) {
    return new ApiException(HttpStatus.CONFLICT, code, detail);
  }

  public static ApiException badRequest(String code, String detail) {
    return new ApiException(HttpStatus.BAD_REQUEST, code, detail);
  }

  /** A request that is well-formed but wrong in one or more fields. */
  public static ApiException invalid(String detail, List<FieldProblem> errors) {
    return new ApiException(HttpStatus.BAD_REQUEST, ErrorCodes.VALIDATION_ERROR, detail)
        .with("errors", errors);
  }

  /** A request wrong in these fields; the detail names each of them. */
  public static ApiException invalid(List<FieldProblem> errors) {
    String summary =
        errors.isEmpty()
            ? "The request is not valid"
            : errors.stream()
                .map(f -> f.field() + " " + f.message())
                .collect(Collectors.joining("; "));
    return invalid(summary, errors);
  }

  public static ApiException invalidField(String field, String message) {
    return invalid(field + ": " + message, List.of(new FieldProblem(field, message)));
  }

  public ApiException with(String property, Object value) {
    properties.put(property, value);
    return this;
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, Object> properties() {
    return properties;
  }

  /** What is wrong with one field of a request. */
  public record FieldProblem(String field, String message) {}
}
