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
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Ollama endpoints that Spring AI's {@code OllamaApi} does not cover, by hand: {@code
 * /api/version}, {@code /api/tags} with sizes, {@code /api/ps} (loaded models), load/unload through
 * {@code keep_alive} and a streamed {@code /api/pull}. Errors are thrown as Spring's HTTP status
 * exceptions, like {@code OllamaApi}'s, so that {@link ProviderErrors} treats both alike. A
 * profile's connection has one; the fleet's Ollama servers get theirs from {@link #at}.
 */
public final class OllamaManagement {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Shared by the fleet's servers: the JDK client pools connections per host itself. */
  private static final HttpClient SHARED =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** A model in memory, until {@code expiresAt}. */
  public record LoadedModel(String name, long sizeVram, @Nullable Instant expiresAt) {}

  /** A model on the server's disk ({@code /api/tags}). */
  public record LocalModel(String name, long sizeBytes) {}

  /** One line of a pull's progress; {@code completed} and {@code total} while a layer downloads. */
  public record PullProgress(String status, @Nullable Long completed, @Nullable Long total) {}

  /**
   * Ollama reported a failed pull inside its 200 stream (an {@code error} line): the model is not
   * there; the message is Ollama's.
   */
  public static final class PullFailed extends RuntimeException {
    PullFailed(String message) {
      super(message);
    }
  }

  private final HttpClient http;
  private final String baseUrl;
  private final Duration timeout;

  OllamaManagement(HttpClient http, String baseUrl, Duration timeout) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.timeout = timeout;
  }

  /** The Ollama at {@code baseUrl}, each call given {@code timeout} to answer. */
  public static OllamaManagement at(String baseUrl, Duration timeout) {
    return new OllamaManagement(SHARED, baseUrl.replaceAll("/+$", ""), timeout);
  }

  public @Nullable String version() {
    return get("/api/version").path("version").asString(null);
  }

  public List<LocalModel> tags() {
    List<LocalModel> models = new ArrayList<>();
    for (JsonNode m : get("/api/tags").path("models")) {
      models.add(new LocalModel(m.path("name").asString(), m.path("size").asLong(0)));
    }
    return models;
  }

  public List<LoadedModel> loaded() {
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
  public void keepAlive(String model, String keepAlive) {
    post(
        "/api/chat",
        JSON.createObjectNode()
            .put("model", model)
            .put("keep_alive", keepAlive)
            .put("stream", false)
            .set("messages", JSON.createArrayNode()));
  }

  /**
   * Pulls {@code model}, telling each progress line as it comes; returns when Ollama said {@code
   * success}. The timeout covers the wait for the stream to begin, not the download.
   *
   * @throws PullFailed when Ollama sends an error line (it answers 200 and fails inside the stream)
   */
  public void pull(String model, Consumer<PullProgress> progress) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/pull"))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("model", model).put("stream", true).toString()))
            .build();
    HttpResponse<java.util.stream.Stream<String>> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    try (java.util.stream.Stream<String> lines = response.body()) {
      if (response.statusCode() >= 400) {
        String body = String.join("\n", lines.toList());
        throw failure(response, body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      boolean succeeded = false;
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode node = JSON.readTree(line);
        String error = node.path("error").asString(null);
        if (error != null) {
          throw new PullFailed(error);
        }
        String status = node.path("status").asString("");
        progress.accept(
            new PullProgress(
                status,
                node.has("completed") ? node.path("completed").asLong() : null,
                node.has("total") ? node.path("total").asLong() : null));
        succeeded |= status.equals("success");
      }
      if (!succeeded) {
        throw new PullFailed("the pull of " + model + " ended without success");
      }
    }
  }

  private static RuntimeException failure(HttpResponse<?> response, byte[] body) {
    HttpHeaders headers = new HttpHeaders();
    response.headers().map().forEach(headers::addAll);
    HttpStatusCode code = HttpStatusCode.valueOf(response.statusCode());
    return response.statusCode() >= 500
        ? HttpServerErrorException.create(code, "", headers, body, null)
        : HttpClientErrorException.create(code, "", headers, body, null);
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
    if (response.statusCode() >= 400) {
      throw failure(response, response.body());
    }
    return JSON.readTree(response.body());
  }
}
