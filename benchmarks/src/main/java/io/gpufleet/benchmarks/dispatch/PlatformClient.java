package io.gpufleet.benchmarks.dispatch;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The platform's public API as the benchmark uses it: users with bands lifted out of the way, their
 * keys, servers registered by URL, generations submitted and read back. Every call is a plain HTTP
 * request on one shared client, as a program using the API would make it.
 */
final class PlatformClient {

  static final JsonMapper JSON = JsonMapper.builder().build();

  /**
   * Bands far above what a run sends, so that the rate limiter is checked (its statements run on
   * every submit) but never refuses.
   */
  private static final String LIFTED_LIMITS =
      "{\"generationsPerMinute\":10000000,\"generationsPerHour\":10000000,"
          + "\"generationsPerDay\":10000000,\"requestsPerMinute\":10000000,"
          + "\"requestsPerHour\":10000000}";

  private final HttpClient http;
  private final String api;
  private final String adminKey;

  PlatformClient(HttpClient http, String baseUrl, String adminKey) {
    this.http = http;
    this.api = baseUrl + "/api/v1";
    this.adminKey = adminKey;
  }

  static HttpClient newHttp() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Lifts the admin's own bands: the benchmark polls every generation it waits for with it. */
  void liftAdminLimits() throws IOException, InterruptedException {
    JsonNode me = ok(send("GET", "/me", adminKey, null), 200);
    ok(
        send(
            "PATCH",
            "/users/" + me.path("id").asString(),
            adminKey,
            "{\"limits\":" + LIFTED_LIMITS + "}"),
        200);
  }

  /** Creates {@code count} users (role USER, bands lifted) and answers one API key for each. */
  List<String> newUserKeys(String prefix, int count) throws IOException, InterruptedException {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = prefix + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      JsonNode user =
          ok(
              send(
                  "POST",
                  "/users",
                  adminKey,
                  "{\"username\":\""
                      + name
                      + "\",\"role\":\"USER\",\"limits\":"
                      + LIFTED_LIMITS
                      + "}"),
              201);
      JsonNode key =
          ok(
              send(
                  "POST",
                  "/users/" + user.path("id").asString() + "/api-keys",
                  adminKey,
                  "{\"name\":\"bench\"}"),
              201);
      keys.add(key.path("key").asString());
    }
    return keys;
  }

  /** Registers a ComfyUI by its URL (provider static) and answers the server's id. */
  String registerServer(String name, String comfyUrl, Integer prefetch)
      throws IOException, InterruptedException {
    JsonNode created =
        ok(
            send(
                "POST",
                "/servers",
                adminKey,
                "{\"provider\":\"static\",\"name\":\""
                    + name
                    + "\",\"comfyUrl\":\""
                    + comfyUrl
                    + "\",\"pricePerHour\":0.10}"),
            201);
    String id = created.path("id").asString();
    if (prefetch != null) {
      ok(send("PATCH", "/servers/" + id, adminKey, "{\"prefetch\":" + prefetch + "}"), 200);
    }
    return id;
  }

  /** Forgets a registered server (destroying a static server only forgets it). */
  void forgetServer(String id) throws IOException, InterruptedException {
    HttpResponse<String> r = send("DELETE", "/servers/" + id, adminKey, null);
    if (r.statusCode() >= 300) {
      throw new IllegalStateException("DELETE server " + id + " -> " + r.statusCode() + r.body());
    }
  }

  /** Waits until at least {@code wanted} servers are RUNNING, set up and HEALTHY. */
  void awaitHealthyServers(int wanted, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int healthy = 0;
    while (System.nanoTime() < deadline) {
      healthy = countReadyServers();
      if (healthy >= wanted) {
        return;
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(
        healthy + " of " + wanted + " servers became healthy in " + timeout);
  }

  int countReadyServers() throws IOException, InterruptedException {
    int ready = 0;
    for (int page = 0; ; page++) {
      JsonNode list =
          ok(send("GET", "/servers?status=RUNNING&size=200&page=" + page, adminKey, null), 200);
      for (JsonNode server : list.path("items")) {
        if (server.path("setUp").asBoolean()
            && "HEALTHY".equals(server.path("health").asString())) {
          ready++;
        }
      }
      if (list.path("items").size() < 200) {
        return ready;
      }
    }
  }

  /** POST /generations; the raw answer, so that callers time it and read its status. */
  HttpResponse<String> submit(String key, String body) throws IOException, InterruptedException {
    return send("POST", "/generations", key, body);
  }

  static String generation(int steps, String prompt, String serverId) {
    return "{\"prompt\":\""
        + prompt
        + "\",\"steps\":"
        + steps
        + ",\"seed\":-1"
        + (serverId == null ? "" : ",\"serverId\":\"" + serverId + "\"")
        + "}";
  }

  JsonNode generationView(String id) throws IOException, InterruptedException {
    return ok(send("GET", "/generations/" + id, adminKey, null), 200);
  }

  /** Waits for a generation to end; answers its last view. */
  JsonNode awaitEnded(String id, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode g = generationView(id);
      String status = g.path("status").asString();
      if (status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED")) {
        return g;
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException("generation " + id + " did not end in " + timeout);
  }

  /** Every generation's counts by status (admins see all). */
  JsonNode stats() throws IOException, InterruptedException {
    return ok(send("GET", "/generations/stats", adminKey, null), 200);
  }

  /** Every generation (newest first, at most 10,000), as the JSON export gives them. */
  JsonNode export() throws IOException, InterruptedException {
    return ok(send("GET", "/generations/export?format=json", adminKey, null), 200);
  }

  /** The actuator's Prometheus text (admins only). */
  String prometheus() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api.replace("/api/v1", "") + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + adminKey)
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("prometheus -> " + r.statusCode());
    }
    return r.body();
  }

  /** The sum of a Prometheus metric's samples whose labels contain {@code labelFilter}. */
  static double metricSum(String prometheusText, String name, String labelFilter) {
    double sum = 0;
    boolean found = false;
    for (String line : prometheusText.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        if (labelFilter == null || line.contains(labelFilter)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
    }
    return found ? sum : Double.NaN;
  }

  static Instant instant(JsonNode node) {
    return node.isMissingNode() || node.isNull() ? null : Instant.parse(node.asString());
  }

  HttpResponse<String> send(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(api + path))
            .header("Authorization", "Bearer " + key)
            .timeout(Duration.ofSeconds(60));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(
        request
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode ok(HttpResponse<String> response, int expected) {
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          response.request().method()
              + " "
              + response.request().uri()
              + " -> "
              + response.statusCode()
              + " "
              + response.body());
    }
    return JSON.readTree(response.body());
  }
}
