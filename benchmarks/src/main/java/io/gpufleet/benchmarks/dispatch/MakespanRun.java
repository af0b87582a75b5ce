package io.gpufleet.benchmarks.dispatch;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import tools.jackson.databind.JsonNode;

/**
 * Phase 3: the makespan of a heterogeneous burst. Six simulated ComfyUIs of different speeds are
 * registered with a platform (one per strategy, fresh), warmed up, and their per-job fixed cost is
 * measured; then the mix is submitted as one burst from several users and the run ends when every
 * job has ended. The simulators stay up across strategies; each is reset before a run.
 */
final class MakespanRun implements AutoCloseable {

  /** What one strategy gave on the mix. */
  record Result(
      String strategy,
      int jobs,
      int completed,
      int promptsReceived,
      double makespanSeconds,
      double fixedCostSeconds,
      double lowerBoundSeconds,
      double shortOnSlowestMedianSeconds,
      int shortOnSlowest,
      int[] jobsPerServer) {

    double ratio() {
      return makespanSeconds / lowerBoundSeconds;
    }
  }

  /** A prompt a simulator received: when, and its sampler steps. */
  private record Received(String promptId, int steps, Instant at) {}

  private final double[] speeds;
  private final ComfyFleet fleet;
  private final List<Queue<Received>> received = new ArrayList<>();
  private final HttpClient http;

  MakespanRun(HttpClient http, double[] speeds) {
    this.http = http;
    this.speeds = speeds.clone();
    double slowest = Arrays.stream(speeds).min().orElseThrow();
    double fastest = Arrays.stream(speeds).max().orElseThrow();
    this.fleet =
        ComfyFleet.start(
            new ComfyFleet.Config(
                speeds.length,
                0,
                slowest,
                fastest,
                ComfySimulatorConfig.defaults().withPreviews(false)));
    for (int i = 0; i < speeds.length; i++) {
      ComfySimulator sim = fleet.simulators().get(i);
      sim.setStepsPerSecond(speeds[i]);
      Queue<Received> mine = new ConcurrentLinkedQueue<>();
      received.add(mine);
      sim.onPrompt(p -> mine.add(new Received(p.promptId(), steps(p.prompt()), p.at())));
    }
  }

  Result run(String strategy, PlatformClient client, List<MakespanSimulation.Job> mix, int users)
      throws IOException, InterruptedException {
    fleet.simulators().forEach(ComfySimulator::crash);
    received.forEach(Queue::clear);
    List<String> servers = new ArrayList<>();
    for (int i = 0; i < speeds.length; i++) {
      servers.add(
          client.registerServer(
              "mk-" + (int) speeds[i] + "sps", fleet.simulators().get(i).baseUrl(), null));
    }
    client.awaitHealthyServers(speeds.length, Duration.ofSeconds(120));
    List<String> keys = client.newUserKeys("mk", users);

    // Warm-up, and the fixed cost: per server, two pinned 8-step jobs one after the other; the
    // second (the checkpoint loaded, the JIT warm) is the measure.
    List<Double> fixed = new ArrayList<>();
    for (int i = 0; i < servers.size(); i++) {
      for (int round = 0; round < 2; round++) {
        HttpResponse<String> r =
            client.submit(keys.get(0), PlatformClient.generation(8, "warm", servers.get(i)));
        String id = PlatformClient.JSON.readTree(r.body()).path("id").asString();
        client.awaitEnded(id, Duration.ofSeconds(60));
      }
      Received last = lastOf(received.get(i));
      double runMs =
          successMillis(fleet.simulators().get(i), last.promptId()) - last.at().toEpochMilli();
      fixed.add(runMs / 1000.0 - last.steps() / speeds[i]);
    }
    double fixedCost = Latencies.of(fixed).p50();
    int warmups = servers.size() * 2;

    Instant burstStart = Instant.now();
    Map<Integer, String> ids = new ConcurrentHashMap<>();
    SubmitBurst.burst(
        mix.size(),
        16,
        i -> {
          MakespanSimulation.Job job = mix.get(i);
          HttpResponse<String> r =
              client.submit(
                  keys.get(job.user() % keys.size()),
                  PlatformClient.generation((int) job.work(), "mix " + i, null));
          if (r.statusCode() == 202) {
            ids.put(i, PlatformClient.JSON.readTree(r.body()).path("id").asString());
            return true;
          }
          return false;
        });
    awaitAllEnded(client, warmups + ids.size(), Duration.ofMinutes(5));

    Set<String> burstIds = new HashSet<>(ids.values());
    Map<String, Integer> serverIndex = new HashMap<>();
    for (int i = 0; i < servers.size(); i++) {
      serverIndex.put(servers.get(i), i);
    }
    Instant first = null;
    Instant last = null;
    int completed = 0;
    int[] perServer = new int[servers.size()];
    for (JsonNode g : client.export()) {
      if (!burstIds.contains(g.path("id").asString())) {
        continue;
      }
      Instant created = PlatformClient.instant(g.path("createdAt"));
      Instant finished = PlatformClient.instant(g.path("finishedAt"));
      first = first == null || created.isBefore(first) ? created : first;
      if (finished != null && (last == null || finished.isAfter(last))) {
        last = finished;
      }
      if ("COMPLETED".equals(g.path("status").asString())) {
        completed++;
      }
      Integer index = serverIndex.get(g.path("serverId").asString());
      if (index != null) {
        perServer[index]++;
      }
    }
    int prompts = 0;
    for (Queue<Received> q : received) {
      prompts += (int) q.stream().filter(p -> !p.at().isBefore(burstStart)).count();
    }
    int slowest = slowestIndex();
    List<Double> shortOnSlowest = new ArrayList<>();
    for (Received p : received.get(slowest)) {
      if (!p.at().isBefore(burstStart) && p.steps() == 8) {
        double done = successMillis(fleet.simulators().get(slowest), p.promptId());
        if (!Double.isNaN(done)) {
          shortOnSlowest.add((done - p.at().toEpochMilli()) / 1000.0);
        }
      }
    }
    double work = mix.stream().mapToDouble(MakespanSimulation.Job::work).sum();
    double speed = Arrays.stream(speeds).sum();
    double bound = work / speed + fixedCost * mix.size() / speeds.length;
    for (String server : servers) {
      client.forgetServer(server);
    }
    return new Result(
        strategy,
        mix.size(),
        completed,
        prompts,
        Duration.between(first, last).toMillis() / 1000.0,
        fixedCost,
        bound,
        Latencies.of(shortOnSlowest).p50(),
        shortOnSlowest.size(),
        perServer);
  }

  private int slowestIndex() {
    int slowest = 0;
    for (int i = 1; i < speeds.length; i++) {
      if (speeds[i] < speeds[slowest]) {
        slowest = i;
      }
    }
    return slowest;
  }

  private static Received lastOf(Queue<Received> queue) {
    Received last = null;
    for (Received r : queue) {
      last = r;
    }
    return last;
  }

  private static void awaitAllEnded(PlatformClient client, int expected, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode by = client.stats().path("byStatus");
      int ended =
          by.path("COMPLETED").asInt(0)
              + by.path("FAILED").asInt(0)
              + by.path("CANCELLED").asInt(0);
      if (ended >= expected) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the burst did not end in " + timeout);
  }

  /** When the simulator says the prompt succeeded (its history's execution_success), in ms. */
  private double successMillis(ComfySimulator sim, String promptId)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/history/" + promptId)).build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode messages =
        PlatformClient.JSON.readTree(r.body()).path(promptId).path("status").path("messages");
    for (JsonNode m : messages) {
      if ("execution_success".equals(m.path(0).asString())) {
        return m.path(1).path("timestamp").asDouble();
      }
    }
    return Double.NaN;
  }

  /** The sampler steps of a graph: its KSampler's. */
  static int steps(JsonNode prompt) {
    for (JsonNode node : prompt) {
      if ("KSampler".equals(node.path("class_type").asString())) {
        return node.path("inputs").path("steps").asInt();
      }
    }
    return 0;
  }

  @Override
  public void close() {
    fleet.close();
  }
}
