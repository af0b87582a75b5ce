package io.gpufleet.api.providers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Ollama endpoints that Spring AI's {@code OllamaApi} does not cover, by hand: {@code
 * /api/version}, {@code /api/ps} (loaded models) and load/unload through {@code keep_alive}. Errors
 * are thrown as Spring's HTTP status exceptions, like {@code OllamaApi}'s, so that {@link
 * ProviderErrors} treats both alike.
 */
final class OllamaManagement {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A model in memory, until {@code expiresAt}. */
  public record LoadedModel(String name, long sizeVram, @Nullable Instant expiresAt) {}

  private final HttpClient http;
  private final String baseUrl;
  private final Duration timeout;

  OllamaManagement(HttpClient http, String baseUrl, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.timeout = timeout;
  }

  @Nullable String version() {
    return get("/api/version").path("version").asString(null);
  }

  List<LoadedModel> loaded() {
    List<LoadedModel> loaded = new ArrayList<>();
    for (JsonNode m : get("/api/ps").path("models")) {
      String expires = m.path("expires_at").asString(null);
      loaded.add(
          new LoadedModel(
              m.path("name").asString(),
              m.path("size_vram").asLong(0),
              expires == null ? null : Instant.parse(expires)));
    }
    return loaded;
  }

  /** Loads the model (an empty chat) and keeps it for {@code keepAlive}; "0" unloads it. */
  void keepAlive(String model, String keepAlive) {
    post(
        "/api/chat",
        JSON.createObjectNode()
            .put("model", model)
            .put("keep_alive", keepAlive)
            .put("stream", false)
            .set("messages", JSON.createArrayNode()));
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET().build());
  }

  private JsonNode post(String path, JsonNode body) {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
            .build());
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<byte[]> response;
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          break;
        } catch (IOException e) {
          // a pooled connection the server had closed: the request never reached it
          if (attempt >= StaleConnections.ATTEMPTS || !StaleConnections.isStale(e)) {
            throw e;
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    int status = response.statusCode();
    if (status >= 400) {
      HttpHeaders headers = new HttpHeaders();
      response.headers().map().forEach(headers::addAll);
      HttpStatusCode code = HttpStatusCode.valueOf(status);
      throw status >= 500
          ? HttpServerErrorException.create(code, "", headers, response.body(), null)
          : HttpClientErrorException.create(code, "", headers, response.body(), null);
    }
    return JSON.readTree(response.body());
  }
}
