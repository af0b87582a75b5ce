package io.gpufleet.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives a running platform through its public API, as API users would: makes sure it has set-up
 * servers, then submits generations at a given concurrency and waits for each to end. Prints submit
 * latency, end-to-end time and throughput. Bounded: it stops after its generations.
 *
 * <pre>
 * java -cp benchmarks/target/gpufleet-benchmarks.jar io.gpufleet.benchmarks.LoadDriver \
 *   --url http://localhost:8080 --admin-key gf_… --servers 2 --generations 50 --concurrency 8
 * </pre>
 */
public final class LoadDriver {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private final String adminKey;

  private LoadDriver(String base, String adminKey) {
    this.base = base.replaceAll("/+$", "") + "/api/v1";
    this.adminKey = adminKey;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!flags.containsKey("admin-key")) {
      System.err.println(
          "usage: LoadDriver --url URL --admin-key KEY [--servers 2] [--generations 50] [--concurrency 8]");
      System.exit(2);
    }
    LoadDriver driver =
        new LoadDriver(flags.getOrDefault("url", "http://localhost:8080"), flags.get("admin-key"));
    driver.run(
        Integer.parseInt(flags.getOrDefault("servers", "2")),
        Integer.parseInt(flags.getOrDefault("generations", "50")),
        Integer.parseInt(flags.getOrDefault("concurrency", "8")));
  }

  private void run(int servers, int generations, int concurrency) throws Exception {
    ensureServers(servers);
    String key = newUserKey(generations);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<long[]>> results = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < generations; i++) {
      int n = i;
      results.add(pool.submit(() -> oneGeneration(key, n)));
    }
    List<Long> submit = new ArrayList<>();
    List<Long> endToEnd = new ArrayList<>();
    int completed = 0;
    for (Future<long[]> result : results) {
      long[] r = result.get();
      submit.add(r[0]);
      endToEnd.add(r[1]);
      completed += (int) r[2];
    }
    pool.shutdown();
    double wallSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "generations=%d concurrency=%d servers=%d completed=%d wall=%.1fs throughput=%.2f/s%n",
        generations, concurrency, servers, completed, wallSeconds, completed / wallSeconds);
    System.out.printf(
        "submit latency ms: p50=%d p95=%d max=%d%n",
        pct(submit, 50), pct(submit, 95), pct(submit, 100));
    System.out.printf(
        "end-to-end ms:     p50=%d p95=%d max=%d%n",
        pct(endToEnd, 50), pct(endToEnd, 95), pct(endToEnd, 100));
  }

  /** {submit ms, end-to-end ms, completed 0/1} */
  private long[] oneGeneration(String key, int n) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> submitted =
        send(
            "POST",
            "/generations",
            key,
            "{\"prompt\":\"load test " + n + "\",\"seed\":-1,\"steps\":10}");
    long submitMs = (System.nanoTime() - t0) / 1_000_000;
    if (submitted.statusCode() != 202) {
      System.err.println("submit " + n + " -> " + submitted.statusCode() + " " + submitted.body());
      return new long[] {submitMs, submitMs, 0};
    }
    String id = JSON.readTree(submitted.body()).path("id").asString();
    while (true) {
      JsonNode g = JSON.readTree(send("GET", "/generations/" + id, key, null).body());
      String status = g.path("status").asString();
      if (status.equals("COMPLETED") || status.equals("FAILED") || status.equals("CANCELLED")) {
        return new long[] {
          submitMs, (System.nanoTime() - t0) / 1_000_000, status.equals("COMPLETED") ? 1 : 0
        };
      }
      Thread.sleep(200);
    }
  }

  private void ensureServers(int wanted) throws Exception {
    JsonNode list =
        JSON.readTree(send("GET", "/servers?size=200", adminKey, null).body()).path("items");
    int existing = 0;
    for (JsonNode server : list) {
      if (!server.path("status").asString().equals("DESTROYED")) {
        existing++;
      }
    }
    for (int i = existing; i < wanted; i++) {
      send(
          "POST",
          "/servers",
          adminKey,
          "{\"name\":\"load-"
              + UUID.randomUUID().toString().substring(0, 6)
              + "\",\"gpu\":\"RTX 4090\"}");
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      int ready = 0;
      for (JsonNode server :
          JSON.readTree(send("GET", "/servers?size=200", adminKey, null).body()).path("items")) {
        if (server.path("setUp").asBoolean()
            && server.path("health").asString().equals("HEALTHY")) {
          ready++;
        }
      }
      if (ready >= wanted) {
        System.out.println(ready + " servers ready");
        return;
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("servers did not become ready in 5 minutes");
  }

  private String newUserKey(int generations) throws Exception {
    String name = "load-" + UUID.randomUUID().toString().substring(0, 8);
    int limit = Math.max(1000, generations * 2);
    String id =
        JSON.readTree(
                send(
                        "POST",
                        "/users",
                        adminKey,
                        "{\"username\":\""
                            + name
                            + "\",\"role\":\"USER\",\"limits\":{\"generationsPerMinute\":"
                            + limit
                            + ",\"generationsPerHour\":"
                            + limit
                            + ",\"generationsPerDay\":"
                            + limit
                            + ",\"requestsPerMinute\":100000,\"requestsPerHour\":1000000}}")
                    .body())
            .path("id")
            .asString();
    return JSON.readTree(
            send("POST", "/users/" + id + "/api-keys", adminKey, "{\"name\":\"load\"}").body())
        .path("key")
        .asString();
  }

  private HttpResponse<String> send(String method, String path, String key, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + key);
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

  private static long pct(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
