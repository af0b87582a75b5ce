package io.gpufleet.benchmarks.dispatch;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.node.ObjectNode;

/**
 * Phase 1: the submit path. The same burst of 1-step generations twice in one run, at the same
 * concurrency: through the platform's {@code POST /api/v1/generations} (spread over several users'
 * keys), and straight to one simulated ComfyUI's {@code /prompt} with the graph the platform would
 * send. The platform has no server while it is measured, so what is timed is the submit path alone
 * (authentication, rate limits, the graph's inputs and the durable insert), not dispatch. The
 * simulator is held (its first prompt hangs) while it is measured, so that running prompts do not
 * take CPU from the burst; it is reset between bursts.
 */
final class SubmitBurst implements AutoCloseable {

  /** One burst: how many were sent and accepted, over what wall time, each request's latency. */
  record Row(int concurrency, int sent, int accepted, long wallNanos, Latencies latencies) {
    double rate() {
      return Latencies.rate(accepted, wallNanos);
    }
  }

  private static final String SEED_MARK = "987654321";
  private final HttpClient http;
  private final ComfySimulator direct;
  private final String promptTemplate;

  SubmitBurst(HttpClient http) {
    this.http = http;
    this.direct =
        ComfySimulator.start(
            ComfySimulatorConfig.defaults().withStepsPerSecond(1000).withPreviews(false));
    this.promptTemplate = directPromptTemplate();
  }

  /** The default workflow, 1 step, as a /prompt body; the seed is filled in per request. */
  private static String directPromptTemplate() {
    try (InputStream in = SubmitBurst.class.getResourceAsStream("/sd-text-to-image.json")) {
      ObjectNode workflow =
          (ObjectNode)
              PlatformClient.JSON.readTree(new String(in.readAllBytes(), UTF8)).get("workflow");
      ObjectNode sampler = (ObjectNode) workflow.get("3").get("inputs");
      sampler.put("steps", 1);
      sampler.put("seed", Long.parseLong(SEED_MARK));
      ObjectNode body = PlatformClient.JSON.createObjectNode();
      body.set("prompt", workflow);
      body.put("client_id", UUID.randomUUID().toString());
      return PlatformClient.JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  Row platform(PlatformClient client, List<String> keys, int count, int concurrency)
      throws InterruptedException {
    return burst(
        count,
        concurrency,
        i -> {
          HttpResponse<String> r =
              client.submit(
                  keys.get(i % keys.size()), PlatformClient.generation(1, "bench " + i, null));
          return r.statusCode() == 202;
        });
  }

  Row direct(int count, int concurrency) throws InterruptedException {
    direct.crash(); // an empty queue and history, as a fresh ComfyUI
    direct.hang();
    URI uri = URI.create(direct.baseUrl() + "/prompt");
    try {
      return burst(
          count,
          concurrency,
          i -> {
            String body =
                promptTemplate.replace(
                    SEED_MARK,
                    Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE)));
            HttpResponse<String> r =
                http.send(
                    HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
          });
    } finally {
      direct.crash();
    }
  }

  interface Call {
    boolean send(int index) throws Exception;
  }

  /** {@code count} calls from {@code concurrency} threads, each timing its own calls. */
  static Row burst(int count, int concurrency, Call call) throws InterruptedException {
    Queue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long started = System.nanoTime();
    for (int t = 0; t < concurrency; t++) {
      pool.execute(
          () -> {
            int i;
            while ((i = next.getAndIncrement()) < count) {
              long t0 = System.nanoTime();
              try {
                if (call.send(i)) {
                  accepted.incrementAndGet();
                } else if (failures.incrementAndGet() <= 3) {
                  System.err.println("[bench] a call was refused (index " + i + ")");
                }
              } catch (Exception e) {
                if (failures.incrementAndGet() <= 3) {
                  System.err.println("[bench] a call failed: " + e);
                }
              }
              latencies.add(System.nanoTime() - t0);
            }
          });
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      pool.shutdownNow();
    }
    long wall = System.nanoTime() - started;
    return new Row(concurrency, count, accepted.get(), wall, Latencies.ofNanos(latencies));
  }

  @Override
  public void close() {
    direct.close();
  }
}
