package io.gpufleet.vast;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns a failed answer into a {@link VastException}. Vast's error bodies come in many shapes:
 * {@code {"success":false,"error":"code","msg":"..."}}, {@code {"msg":"..."}}, {@code
 * {"message":"..."}}, {@code {"detail":"..."}} and plain text.
 */
final class ErrorBodies {
  private static final int MAX_TEXT = 500;

  private ErrorBodies() {}

  static VastException fromStatus(int status, String body, JsonMapper mapper) {
    JsonNode json = parseObject(body, mapper);
    String code = json == null ? "" : text(json, "error");
    String message = json == null ? plainText(body) : message(json, body);
    if (status == 429) {
      return new VastException.RateLimited(
          message.isEmpty() ? "API requests too frequent" : message);
    }
    return new VastException.ApiError(
        status, code, message, json == null ? null : newContract(json));
  }

  /** A 2xx answer with {@code "success": false}: refused although the HTTP call went through. */
  static VastException.ApiError refused(int status, JsonNode json) {
    return new VastException.ApiError(
        status, text(json, "error"), message(json, ""), newContract(json));
  }

  private static @Nullable JsonNode parseObject(String body, JsonMapper mapper) {
    String trimmed = body.trim();
    if (!trimmed.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = mapper.readTree(trimmed);
      return node.isObject() ? node : null;
    } catch (JacksonException notJson) {
      return null;
    }
  }

  private static String message(JsonNode json, String body) {
    for (String field : new String[] {"msg", "message", "detail", "error"}) {
      String value = text(json, field);
      if (!value.isEmpty()) {
        return value;
      }
    }
    return plainText(body);
  }

  private static @Nullable Long newContract(JsonNode json) {
    JsonNode id = json.path("new_contract");
    return id.isIntegralNumber() || (id.isString() && id.asString().matches("\\d+"))
        ? id.asLong()
        : null;
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.path(field);
    return value.isString() || value.isNumber() ? value.asString().trim() : "";
  }

  private static String plainText(String body) {
    String trimmed = body.trim();
    return trimmed.length() > MAX_TEXT ? trimmed.substring(0, MAX_TEXT) + "…" : trimmed;
  }
}
