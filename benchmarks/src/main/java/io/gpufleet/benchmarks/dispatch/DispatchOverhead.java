package io.gpufleet.benchmarks.dispatch;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * Phase 2: dispatch overhead on an idle fleet. One simulated ComfyUI (1,000 steps/s, so a 1-step
 * job ends at once) registered as a server; generations submitted one at a time, each only after
 * the one before ended, so the server is idle and the queue empty at every submit. Measured: from
 * the accept to the moment the simulator's {@code /prompt} handler receives the prompt, against two
 * clocks — the benchmark's receipt of the 202 (both moments on this process's monotonic clock; the
 * prompt may even arrive before the 202 does, giving a negative figure), and the generation's
 * {@code createdAt} (the platform's wall clock, the same machine's).
 */
final class DispatchOverhead implements AutoCloseable {

  record Result(
      int samples,
      Latencies submit,
      Latencies from202,
      Latencies fromCreatedAt,
      Latencies submitToReceived,
      int arrivedBefore202) {}

  private final ComfySimulator sim;
  private final BlockingQueue<ComfySimulator.ReceivedPrompt> received = new LinkedBlockingQueue<>();

  DispatchOverhead() {
    sim =
        ComfySimulator.start(
            ComfySimulatorConfig.defaults().withStepsPerSecond(1000).withPreviews(false));
    sim.onPrompt(received::add);
  }

  String comfyUrl() {
    return sim.baseUrl();
  }

  Result run(PlatformClient client, String key, int warmup, int count)
      throws IOException, InterruptedException {
    List<Long> submit = new ArrayList<>();
    List<Long> from202 = new ArrayList<>();
    List<Double> fromCreated = new ArrayList<>();
    List<Long> total = new ArrayList<>();
    int early = 0;
    for (int i = 0; i < warmup + count; i++) {
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          client.submit(key, PlatformClient.generation(1, "overhead " + i, null));
      long t202 = System.nanoTime();
      if (r.statusCode() != 202) {
        throw new IllegalStateException("submit -> " + r.statusCode() + " " + r.body());
      }
      JsonNode view = PlatformClient.JSON.readTree(r.body());
      ComfySimulator.ReceivedPrompt prompt = received.poll(60, TimeUnit.SECONDS);
      if (prompt == null) {
        throw new IllegalStateException("the simulator received no prompt in 60 s");
      }
      Instant created = PlatformClient.instant(view.path("createdAt"));
      client.awaitEnded(view.path("id").asString(), Duration.ofSeconds(60));
      if (i < warmup) {
        continue;
      }
      submit.add(t202 - t0);
      from202.add(prompt.nanoTime() - t202);
      total.add(prompt.nanoTime() - t0);
      if (prompt.nanoTime() < t202) {
        early++;
      }
      if (created != null) {
        fromCreated.add(Duration.between(created, prompt.at()).toNanos() / 1e6);
      }
    }
    return new Result(
        count,
        Latencies.ofNanos(submit),
        Latencies.ofNanos(from202),
        Latencies.of(fromCreated),
        Latencies.ofNanos(total),
        early);
  }

  @Override
  public void close() {
    sim.close();
  }
}
