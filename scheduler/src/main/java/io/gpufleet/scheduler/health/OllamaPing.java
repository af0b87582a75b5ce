package io.gpufleet.scheduler.health;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The health probe of an Ollama server: {@code GET /api/version}, asynchronous like the ComfyUI
 * probes so that one round needs no thread per server. It lives here rather than in the API's
 * Ollama client because the scheduler does not depend on the API module; it reads nothing but the
 * status (the models are read by the API's {@code OllamaProber}).
 */
final class OllamaPing {

  private final HttpClient http;
  private final Duration timeout;

  OllamaPing(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Completes when {@code baseUrl} answered 2xx; fails with the reason otherwise. */
  CompletableFuture<Void> ping(String baseUrl) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl.replaceAll("/+$", "") + "/api/version"))
            .timeout(timeout)
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
        .thenApply(
            response -> {
              if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                    "Ollama answered " + response.statusCode() + " to /api/version");
              }
              return null;
            });
  }
}
