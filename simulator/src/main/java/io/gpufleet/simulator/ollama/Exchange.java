package io.gpufleet.simulator.ollama;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** One HTTP request/response pair of the JDK server, with the small helpers the routes need. */
final class Exchange {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** Thrown by a route to answer {@code {"error": message}} with a status, as Ollama does. */
  static final class Failure extends RuntimeException {
    final int status;

    Failure(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /**
   * Thrown to end a connection mid-answer, as a crashed server would: the JDK server closes the
   * socket without the chunked stream's last chunk, so the client sees a broken stream.
   */
  static final class Dropped extends RuntimeException {
    Dropped() {
      super("connection dropped on purpose", null, false, false);
    }
  }

  final HttpExchange http;
  final String path;
  private @Nullable OutputStream stream;

  Exchange(HttpExchange http) {
    this.http = http;
    this.path = http.getRequestURI().getPath();
  }

  String method() {
    return http.getRequestMethod();
  }

  @Nullable String param(String name) {
    String query = http.getRequestURI().getRawQuery();
    if (query == null) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(key, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params.get(name);
  }

  /** The JSON object body; Ollama answers 400 to an empty or unparsable one. */
  JsonNode jsonBody() {
    byte[] body;
    try (InputStream in = http.getRequestBody()) {
      body = in.readAllBytes();
    } catch (IOException e) {
      throw new Failure(400, "could not read the request body");
    }
    if (body.length == 0) {
      throw new Failure(400, "missing request body");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new Failure(400, "invalid request body");
      }
      return node;
    } catch (JacksonException e) {
      throw new Failure(400, "invalid character in request body");
    }
  }

  void json(int status, JsonNode body) throws IOException {
    bytes(status, "application/json; charset=utf-8", MAPPER.writeValueAsBytes(body));
  }

  void error(int status, String message) throws IOException {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("error", message);
    json(status, body);
  }

  void text(int status, String text) throws IOException {
    bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  void empty() throws IOException {
    http.sendResponseHeaders(200, -1);
    http.close();
  }

  void bytes(int status, String contentType, byte[] body) throws IOException {
    http.getResponseHeaders().set("Content-Type", contentType);
    if ("HEAD".equals(method())) {
      http.sendResponseHeaders(status, -1);
    } else {
      http.sendResponseHeaders(status, body.length);
      try (OutputStream out = http.getResponseBody()) {
        out.write(body);
      }
    }
    http.close();
  }

  /** Starts a chunked NDJSON response; {@link #line} writes one object and flushes it. */
  void startStream() throws IOException {
    http.getResponseHeaders().set("Content-Type", "application/x-ndjson");
    http.sendResponseHeaders(200, 0);
    stream = http.getResponseBody();
  }

  void line(JsonNode node) throws IOException {
    OutputStream out = stream;
    if (out == null) {
      throw new IllegalStateException("not streaming");
    }
    out.write(MAPPER.writeValueAsBytes(node));
    out.write('\n');
    out.flush();
  }

  void endStream() {
    http.close();
  }
}
