package io.gpufleet.api.system;

import java.util.Arrays;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Says which field of an unreadable body was wrong and how, without echoing Jackson's internals.
 */
final class UnreadableBodies {

  private UnreadableBodies() {}

  static ApiException problem(MultipartException e) {
    return e instanceof MaxUploadSizeExceededException
        ? new ApiException(
            HttpStatus.CONTENT_TOO_LARGE,
            ErrorCodes.PAYLOAD_TOO_LARGE,
            "The upload is larger than allowed")
        : ApiException.badRequest(ErrorCodes.MALFORMED_REQUEST, "The multipart body is malformed");
  }

  static ApiException problem(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
        return new ApiException(
            HttpStatus.CONTENT_TOO_LARGE, ErrorCodes.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
      }
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof WellFormedUtf8.MalformedUtf8Exception malformed) {
        return ApiException.badRequest(ErrorCodes.MALFORMED_REQUEST, malformed.getMessage());
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
    if (cause instanceof InputCoercionException range) {
      // a number beyond its type: 2^64 for a long, 1e400 for an int
      String type =
          range.getTargetType() == null ? "number" : range.getTargetType().getSimpleName();
      return ApiException.invalidField(
          path(range), "is out of range (" + article(type) + " of " + bounds(type) + ")");
    }
    if (cause instanceof StreamConstraintsException limit) {
      return ApiException.badRequest(
          ErrorCodes.MALFORMED_REQUEST,
          "The body exceeds a limit of its shape: " + firstLine(limit).replaceAll(" \\(.*$", ""));
    }
    if (cause instanceof InvalidFormatException format
        && format.getTargetType() != null
        && !format.getTargetType().isEnum()
        && format.getValue() != null
        && !(format.getValue() instanceof String)) {
      // a number or boolean where another type belongs: no coercion between them
      return ApiException.invalidField(
          path(format),
          "must be "
              + article(format.getTargetType().getSimpleName())
              + ", not "
              + shapeOf(format.getValue()));
    }
    if (cause instanceof InvalidFormatException format) {
      Class<?> target = format.getTargetType();
      String expected =
          target != null && target.isEnum()
              ? "one of " + Arrays.toString(target.getEnumConstants())
              : article(target == null ? "another type" : target.getSimpleName());
      return ApiException.invalidField(
          path(format), "must be " + expected + ", not '" + format.getValue() + "'");
    }
    if (cause instanceof MismatchedInputException mismatch && mismatch.getPath().isEmpty()) {
      return ApiException.badRequest(
          ErrorCodes.MALFORMED_REQUEST, "The body must be a JSON object of the documented shape");
    }
    if (cause instanceof MismatchedInputException mismatch
        && mismatch.getTargetType() != null
        && String.valueOf(mismatch.getOriginalMessage()).startsWith("Cannot coerce String")) {
      return ApiException.invalidField(
          path(mismatch),
          "must be " + article(mismatch.getTargetType().getSimpleName()) + ", not a string");
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

  /** "a whole number", "an ISO-8601 timestamp", …: what a value of this type looks like. */
  static String article(String type) {
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

  private static String shapeOf(Object value) {
    return value instanceof Boolean ? "a boolean" : "a number";
  }

  private static String bounds(String type) {
    return switch (type) {
      case "int", "Integer" -> Integer.MIN_VALUE + ".." + Integer.MAX_VALUE;
      case "long", "Long" -> Long.MIN_VALUE + ".." + Long.MAX_VALUE;
      case "short", "Short" -> Short.MIN_VALUE + ".." + Short.MAX_VALUE;
      default -> "its type";
    };
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
}
