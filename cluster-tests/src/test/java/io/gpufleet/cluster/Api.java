package io.gpufleet.cluster;

import io.gpufleet.testing.PlatformProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The public API of one replica, called with one API key, as any client calls it. */
record Api(PlatformProcess process, String key) {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Api as(String otherKey) {
    return new Api(process, otherKey);
  }

  HttpResponse<String> get(String path) {
    return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> post(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> put(String path, String body) {
    return send(
        request(path)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> delete(String path) {
    return send(request(path).DELETE().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A generation's SSE stream, resumed after {@code lastEventId} when given. */
  InputStream events(String generation, @Nullable Long lastEventId) {
    HttpRequest.Builder request =
        request("/api/v1/generations/" + generation + "/events")
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", Long.toString(lastEventId));
    }
    // no request timeout: the stream lasts as long as the generation
    return send(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()).body();
  }

  /** A user with bands of their own and an API key, made by this (admin's) caller. */
  Api newUser(String username, String limits) {
    HttpResponse<String> user =
        post(
            "/api/v1/users",
            "{\"username\":\"" + username + "\",\"role\":\"USER\",\"limits\":" + limits + "}");
    if (user.statusCode() != 201) {
      throw new AssertionError("creating " + username + ": " + user.body());
    }
    HttpResponse<String> key =
        post(
            "/api/v1/users/" + json(user).path("id").asString() + "/api-keys",
            "{\"name\":\"suite\"}");
    if (key.statusCode() != 201) {
      throw new AssertionError("a key for " + username + ": " + key.body());
    }
    return as(json(key).path("key").asString());
  }

  static JsonNode json(HttpResponse<String> response) {
    return JSON.readTree(response.body());
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(process.uri(path)).header("Authorization", "Bearer " + key);
    return path.endsWith("/events") ? builder : builder.timeout(Duration.ofSeconds(30));
  }

  private static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return HTTP.send(request, body);
    } catch (IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
