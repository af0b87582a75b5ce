package io.gpufleet.simulator.vast;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Routes the Vast paths (with or without trailing slash), checks the key, applies faults. */
final class VastHttp implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(VastHttp.class);
  private static final Pattern ASK = Pattern.compile("/api/v0/asks/(\\d+)");
  private static final Pattern INSTANCE = Pattern.compile("/api/v0/instances/(\\d+)");
  private static final Pattern INSTANCE_SSH = Pattern.compile("/api/v0/instances/(\\d+)/ssh");
  private static final Pattern RESTART =
      Pattern.compile("/api/v0/instances/(reboot|recycle)/(\\d+)");
  private static final Pattern LOGS = Pattern.compile("/api/v0/instances/request_logs/(\\d+)");

  /** Vast's documented minimum intervals, used when enforcement is on. */
  private static final Map<String, Duration> MIN_INTERVALS =
      Map.of(
          "bundles", Duration.ofSeconds(6),
          "rent", Duration.ofMillis(4500),
          "show", Duration.ofSeconds(2),
          "list", Duration.ofSeconds(1),
          "manage", Duration.ofSeconds(1),
          "restart", Duration.ofSeconds(1),
          "destroy", Duration.ofSeconds(3),
          "ssh", Duration.ofSeconds(1),
          "logs", Duration.ofMillis(1500));

  private final VastWorld world;
  private final Faults faults;
  private final VastSimulatorConfig config;
  private final SimAdmin admin;
  private final JsonMapper mapper = JsonMapper.builder().build();
  private final Map<String, Instant> lastCalls = new HashMap<>();
  private volatile String baseUrl = "";

  VastHttp(VastWorld world, Faults faults, VastSimulatorConfig config) {
    this.world = world;
    this.faults = faults;
    this.config = config;
    this.admin = new SimAdmin(world, faults);
  }

  void baseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Reply reply;
      try {
        reply =
            path.startsWith("/_sim/")
                ? admin.handle(exchange.getRequestMethod(), path, query)
                : api(exchange, path, query, body);
      } catch (Filters.InvalidQuery e) {
        reply = Reply.error(400, "invalid_request", e.getMessage());
      } catch (RuntimeException e) {
        log.warn("simulator failed on {} {}", exchange.getRequestMethod(), path, e);
        reply = Reply.error(500, "server_error", "simulator failure: " + e.getMessage());
      }
      log.debug("{} {} -> {}", exchange.getRequestMethod(), path, reply.status());
      write(exchange, reply);
    }
  }

  private Reply api(HttpExchange exchange, String path, Map<String, String> query, String body) {
    Duration delay = faults.takeDelay();
    if (!delay.isZero()) {
      sleep(delay);
    }
    Reply injected = faults.take();
    if (injected != null) {
      return injected;
    }
    String method = exchange.getRequestMethod();
    String key = key(exchange, query);
    // What the CLI and gpuhunt call without a key: the offer search and the GPU names (vast.py
    // fetches those with empty headers at start-up, for the choices of --gpu-name).
    boolean anonymousAllowed =
        method.equals("POST") && path.equals("/api/v0/bundles")
            || method.equals("GET") && path.equals("/api/v0/gpu_names/unique");
    if (key == null ? !anonymousAllowed : !key.equals(config.apiKey())) {
      return Reply.error(401, "auth_error", "Invalid user key");
    }
    JsonNode json;
    try {
      json = mapper.readTree(body.isBlank() ? "{}" : body);
    } catch (JacksonException e) {
      return Reply.error(400, "invalid_request", "Invalid json body");
    }
    String endpoint = endpoint(method, path);
    if (endpoint != null && config.enforceMinIntervals()) {
      Reply tooFast = spacing(endpoint, key == null ? "anonymous" : key);
      if (tooFast != null) {
        return tooFast;
      }
    }
    return route(method, path, query, json);
  }

  private Reply route(String method, String path, Map<String, String> query, JsonNode json) {
    Matcher m;
    if (method.equals("POST") && path.equals("/api/v0/bundles")) {
      return world.search(json);
    }
    if (method.equals("GET") && path.equals("/api/v0/gpu_names/unique")) {
      return world.gpuNames();
    }
    if (method.equals("PUT") && (m = ASK.matcher(path)).matches()) {
      Reply rented = world.rent(Long.parseLong(m.group(1)), json);
      // the instance exists now; a client that times out before this answer never hears of it
      Duration lost = faults.takeLostRent();
      if (!lost.isZero()) {
        sleep(lost);
      }
      return rented;
    }
    if (method.equals("GET") && path.equals("/api/v0/instances")) {
      return Reply.error(
          410,
          "deprecated_endpoint",
          "/api/v0/instances/ is deprecated. Use /api/v1/instances/ instead.");
    }
    if (method.equals("GET") && path.equals("/api/v1/instances")) {
      JsonNode filters = null;
      String raw = query.get("select_filters");
      if (raw != null && !raw.isBlank()) {
        try {
          filters = mapper.readTree(raw);
        } catch (JacksonException e) {
          return Reply.error(400, "invalid_request", "select_filters is not JSON");
        }
      }
      return world.list(filters, query.get("limit"), query.get("after_token"));
    }
    if (method.equals("GET") && path.equals("/api/v0/users/current")) {
      return world.currentUser();
    }
    if (method.equals("PUT") && (m = RESTART.matcher(path)).matches()) {
      return world.restart(Long.parseLong(m.group(2)), m.group(1).equals("recycle"));
    }
    if (method.equals("PUT") && (m = LOGS.matcher(path)).matches()) {
      return world.requestLogs(Long.parseLong(m.group(1)), baseUrl);
    }
    if (method.equals("POST") && (m = INSTANCE_SSH.matcher(path)).matches()) {
      return world.attachSsh(Long.parseLong(m.group(1)), json);
    }
    if ((m = INSTANCE.matcher(path)).matches()) {
      long id = Long.parseLong(m.group(1));
      switch (method) {
        case "GET":
          return world.show(id);
        case "PUT":
          return world.manage(id, json);
        case "DELETE":
          return world.destroy(id);
        default:
          break;
      }
    }
    return Reply.error(404, "not_found", "No such endpoint: " + method + " " + path);
  }

  private static @Nullable String endpoint(String method, String path) {
    if (path.equals("/api/v0/bundles")) {
      return "bundles";
    }
    if (ASK.matcher(path).matches()) {
      return "rent";
    }
    if (path.equals("/api/v1/instances")) {
      return "list";
    }
    if (RESTART.matcher(path).matches()) {
      return "restart";
    }
    if (LOGS.matcher(path).matches()) {
      return "logs";
    }
    if (INSTANCE_SSH.matcher(path).matches()) {
      return "ssh";
    }
    if (INSTANCE.matcher(path).matches()) {
      return method.equals("GET") ? "show" : method.equals("DELETE") ? "destroy" : "manage";
    }
    return null;
  }

  private synchronized @Nullable Reply spacing(String endpoint, String identity) {
    Instant now = config.clock().instant();
    Duration interval = MIN_INTERVALS.get(endpoint);
    String slot = endpoint + "|" + identity;
    Instant last = lastCalls.get(slot);
    if (last != null && now.isBefore(last.plus(interval))) {
      return Reply.json(
          429,
          Map.of(
              "detail",
              "API requests too frequent endpoint threshold=" + interval.toMillis() / 1000.0));
    }
    lastCalls.put(slot, now);
    return null;
  }

  private static @Nullable String key(HttpExchange exchange, Map<String, String> query) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return query.get("api_key");
  }

  private static Map<String, String> query(@Nullable String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private void write(HttpExchange exchange, Reply reply) throws IOException {
    byte[] bytes =
        reply.plainText()
            ? reply.body().toString().getBytes(StandardCharsets.UTF_8)
            : mapper.writeValueAsBytes(reply.body());
    exchange
        .getResponseHeaders()
        .set("Content-Type", reply.plainText() ? "text/plain; charset=utf-8" : "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static void sleep(Duration delay) {
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
