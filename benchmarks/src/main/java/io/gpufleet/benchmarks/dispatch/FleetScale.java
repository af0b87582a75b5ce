package io.gpufleet.benchmarks.dispatch;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;

/**
 * Phase 4: a large fleet. Many simulated ComfyUIs in this process ({@link ComfyFleet}, speeds
 * spread from 10 to 50 steps/s), each registered as a server; the platform probes them at its probe
 * interval. Two windows are measured: probes only, then probes and a steady trickle of small jobs
 * (sent by a small pool, so that slow answers do not thin it) spread over the fleet. For each: the
 * platform JVM's CPU in cores (utime + stime deltas from {@code /proc} over the window's wall
 * time), the embedded PostgreSQL's likewise, the heap used (Micrometer's {@code
 * jvm_memory_used_bytes{area="heap"}}, sampled every 5 s: the highest) and the JVM's live threads.
 */
final class FleetScale implements AutoCloseable {

  record Window(
      String name,
      double seconds,
      double jvmCores,
      double postgresCores,
      double heapMaxMb,
      double heapLastMb,
      int liveThreads,
      int osThreads,
      int jobs) {}

  record Result(
      int servers,
      Duration registration,
      Window probesOnly,
      Window withJobs,
      int completed,
      int serversUsed) {}

  private final ComfyFleet fleet;

  FleetScale(int count) {
    fleet =
        ComfyFleet.start(
            new ComfyFleet.Config(
                count, 0, 10, 50, ComfySimulatorConfig.defaults().withPreviews(false)));
  }

  Result run(
      PlatformProcess platform,
      PlatformClient client,
      double idleSeconds,
      double jobSeconds,
      double jobsPerSecond)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    List<String> urls = fleet.baseUrls();
    AtomicInteger refused = new AtomicInteger();
    SubmitBurst.Row registered =
        SubmitBurst.burst(
            urls.size(),
            4,
            i -> {
              try {
                client.registerServer(String.format("fleet-%04d", i), urls.get(i), null);
                return true;
              } catch (IllegalStateException e) {
                if (refused.incrementAndGet() <= 3) {
                  System.err.println("[bench] registration refused: " + e.getMessage());
                }
                return false;
              }
            });
    client.awaitHealthyServers(registered.accepted(), Duration.ofMinutes(4));
    Duration registration = Duration.ofNanos(System.nanoTime() - t0);
    System.err.printf(
        "[bench] %d servers registered and healthy in %.1f s%n",
        registered.accepted(), registration.toMillis() / 1000.0);
    List<String> keys = client.newUserKeys("fleet", 4);

    Window idle = measure("probes only", platform, client, idleSeconds, 0, keys, null);
    Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Window busy = measure("probes + jobs", platform, client, jobSeconds, jobsPerSecond, keys, ids);

    int completed = 0;
    Set<String> used = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    for (String id : ids) {
      JsonNode g =
          client.awaitEnded(id, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if ("COMPLETED".equals(g.path("status").asString())) {
        completed++;
      }
      used.add(g.path("serverId").asString());
    }
    return new Result(registered.accepted(), registration, idle, busy, completed, used.size());
  }

  private Window measure(
      String name,
      PlatformProcess platform,
      PlatformClient client,
      double seconds,
      double jobsPerSecond,
      List<String> keys,
      Set<String> ids)
      throws IOException, InterruptedException {
    double jvm0 = platform.jvmCpuSeconds();
    double pg0 = platform.postgresCpuSeconds();
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long nextSample = start;
    long nextJob = start;
    double heapMax = 0;
    double heapLast = Double.NaN;
    int jobs = 0;
    ExecutorService submitters = Executors.newFixedThreadPool(4);
    while (System.nanoTime() < end) {
      long now = System.nanoTime();
      if (now >= nextSample) {
        heapLast = heapMb(client);
        heapMax = Math.max(heapMax, heapLast);
        nextSample += 5_000_000_000L;
      }
      if (jobsPerSecond > 0 && now >= nextJob) {
        int n = jobs++;
        // submitted off this loop, so that a slow answer does not thin the trickle
        submitters.execute(
            () -> {
              int steps = ThreadLocalRandom.current().nextInt(4, 21);
              try {
                HttpResponse<String> r =
                    client.submit(
                        keys.get(n % keys.size()),
                        PlatformClient.generation(steps, "trickle " + n, null));
                if (r.statusCode() == 202) {
                  ids.add(PlatformClient.JSON.readTree(r.body()).path("id").asString());
                }
              } catch (IOException | InterruptedException e) {
                System.err.println("[bench] a trickle submit failed: " + e);
              }
            });
        nextJob += (long) (1e9 / jobsPerSecond);
      }
      Thread.sleep(20);
    }
    submitters.shutdown();
    double wall = (System.nanoTime() - start) / 1e9;
    double jvm = (platform.jvmCpuSeconds() - jvm0) / wall;
    double pg = (platform.postgresCpuSeconds() - pg0) / wall;
    heapLast = heapMb(client);
    heapMax = Math.max(heapMax, heapLast);
    submitters.awaitTermination(1, TimeUnit.MINUTES);
    int live =
        (int) PlatformClient.metricSum(client.prometheus(), "jvm_threads_live_threads", null);
    return new Window(name, wall, jvm, pg, heapMax, heapLast, live, platform.osThreads(), jobs);
  }

  private static double heapMb(PlatformClient client) throws IOException, InterruptedException {
    return PlatformClient.metricSum(client.prometheus(), "jvm_memory_used_bytes", "area=\"heap\"")
        / (1024 * 1024);
  }

  @Override
  public void close() {
    fleet.close();
  }
}
