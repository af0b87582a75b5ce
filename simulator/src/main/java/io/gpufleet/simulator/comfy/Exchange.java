package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One HTTP request/response pair with the small helpers the routes need. */
final class Exchange {
  static final JsonMapper MAPPER = JsonMapper.builder().build();

  /** Thrown by a route to answer with a plain status (ComfyUI's aiohttp 500s have no JSON). */
  static final class Status extends RuntimeException {
    final int code;

    Status(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  final Request request;
  final Response response;
  final Callback callback;
  final String path;
  final Fields query;

  Exchange(Request request, Response response, Callback callback, String path) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.path = path;
    this.query = Request.extractQueryParameters(request);
  }

  String method() {
    return request.getMethod();
  }

  @Nullable String param(String name) {
    return query.getValue(name);
  }

  byte[] bodyBytes() {
    try (InputStream in = Content.Source.asInputStream(request)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new Status(500, "could not read body");
    }
  }

  /** The JSON body; unparsable or empty means a plain 500, as in ComfyUI. */
  JsonNode jsonBody() {
    byte[] body = bodyBytes();
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new Status(500, "500 Internal Server Error\n\nServer got itself in trouble");
      }
      return node;
    } catch (JacksonException e) {
      throw new Status(500, "500 Internal Server Error\n\nServer got itself in trouble");
    }
  }

  void json(int status, JsonNode body) {
    bytes(status, "application/json; charset=utf-8", MAPPER.writeValueAsBytes(body));
  }

  void empty() {
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
    callback.succeeded();
  }

  void text(int status, String text) {
    bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
  }

  void bytes(int status, String contentType, byte[] body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, (long) body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
