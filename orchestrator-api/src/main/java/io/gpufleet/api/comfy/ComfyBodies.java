package io.gpufleet.api.comfy;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Request bodies as ComfyUI reads them: JSON whatever the declared type. Stock scripts post with
 * urllib's default {@code application/x-www-form-urlencoded}; reading the raw stream (nothing
 * before us reads form parameters of a POST) keeps such a body intact.
 */
final class ComfyBodies {

  private ComfyBodies() {}

  /** The body's JSON; null when there is none. */
  static @Nullable JsonNode read(HttpServletRequest request) {
    byte[] bytes;
    try {
      bytes = request.getInputStream().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      return null;
    }
    try {
      return ComfyPrompts.JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw ApiException.badRequest(ErrorCodes.MALFORMED_REQUEST, "The body is not JSON");
    }
  }

  /** The ids of a {@code delete} list that are ids of ours (others cannot be the caller's). */
  static List<UUID> ids(JsonNode list) {
    List<UUID> ids = new ArrayList<>();
    for (JsonNode n : list) {
      try {
        ids.add(UUID.fromString(n.asString("")));
      } catch (IllegalArgumentException e) {
        // ComfyUI ignores unknown ids
      }
    }
    return ids;
  }
}
