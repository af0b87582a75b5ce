package io.gpufleet.api.comfy;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.Problems;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.databind.node.ObjectNode;

/**
 * Failures of {@code POST /prompt} in ComfyUI's shape, which its clients parse on any non-200:
 * {@code {error: {type, message, details, extra_info}, node_errors}}. The platform's own refusals
 * (rate limit, a fleet that cannot run the graph, someone else's upload) keep their status; their
 * code becomes the type (lower case) and stays in {@code extra_info.code}. The other endpoints
 * answer problem details like the rest of the platform.
 */
@RestControllerAdvice(assignableTypes = ComfyPromptController.class)
@Order(Problems.FEATURE_ADVICE)
class ComfyErrors {

  private static final Logger log = LoggerFactory.getLogger(ComfyErrors.class);

  @ExceptionHandler(ComfyRefusal.class)
  ResponseEntity<ObjectNode> refused(ComfyRefusal e, HttpServletRequest request) {
    log.warn(
        "{} {} -> {} {}: {}",
        request.getMethod(),
        request.getRequestURI(),
        e.status(),
        e.body().path("error").path("type").asString(""),
        e.getMessage());
    return ResponseEntity.status(e.status()).contentType(MediaType.APPLICATION_JSON).body(e.body());
  }

  @ExceptionHandler(ApiException.class)
  ResponseEntity<ObjectNode> platform(ApiException e, HttpServletRequest request) {
    ObjectNode extra = ComfyPrompts.JSON.createObjectNode();
    extra.put("code", e.code());
    e.properties().forEach((k, v) -> extra.set(k, ComfyPrompts.JSON.valueToTree(v)));
    ObjectNode body =
        PromptValidator.errorBody(
            e.code().toLowerCase(Locale.ROOT), e.getMessage(), e.getMessage(), extra);
    return refused(new ComfyRefusal(e.status().value(), body), request);
  }
}
