package io.gpufleet.benchmarks.dispatch;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The dispatch engine on the real platform, side by side in one run (issue 16's measurements): the
 * platform jar runs as a child process (fresh data directory and embedded PostgreSQL, {@code
 * -Xmx512m}, a free port; a fresh one per strategy), ComfyUI simulators run in this process on real
 * sockets, and every figure is printed next to the one it should be compared with, as a ratio, so
 * that no absolute time on a shared machine has to be trusted. Phases:
 *
 * <ol>
 *   <li>{@code submit}: 1-step generations through {@code POST /api/v1/generations} from several
 *       users (no server registered: the submit path alone) and the same burst straight to one
 *       simulator's {@code /prompt}, at several concurrencies;
 *   <li>{@code overhead}: accept to the simulator receiving {@code /prompt}, on an idle one-server
 *       fleet, submissions one at a time;
 *   <li>{@code makespan}: six servers of 10-50 steps/s, a mix of 8- and 60-step jobs from 4 users
 *       as one burst, for {@code soonest-finish}, {@code least-outstanding} (prefetch 2) and {@code
 *       round-robin} (prefetch 16), against the lower bound;
 *   <li>{@code scale}: 500 simulators registered and probed every 10 s, probes alone and then with
 *       a trickle of jobs: the platform's CPU, heap and threads.
 * </ol>
 *
 * <pre>
 * ./mvnw -B -q -pl orchestrator-api,benchmarks -am -DskipTests package
 * java -cp benchmarks/target/gpufleet-benchmarks.jar io.gpufleet.benchmarks.dispatch.DispatchBenchmark
 * java -cp benchmarks/target/gpufleet-benchmarks.jar io.gpufleet.benchmarks.dispatch.DispatchBenchmark \
 *   --phases submit,overhead --submit-count 1000 --concurrency 4,32
 * </pre>
 *
 * Flags (defaults in brackets): {@code --jar} [orchestrator-api/target/gpufleet.jar], {@code
 * --phases} [submit,overhead,makespan,scale], {@code --submit-count} [2000, at the highest
 * concurrency], {@code --submit-count-low} [500, at the others], {@code --concurrency} [4,16,32],
 * {@code --users} [10], {@code --warmup} [300], {@code --overhead-count} [200], {@code
 * --makespan-jobs} [300], {@code --strategies} [soonest-finish,least-outstanding,round-robin],
 * {@code --seed} [21], {@code --scale-servers} [500], {@code --scale-idle-seconds} [20], {@code
 * --scale-seconds} [60], {@code --scale-rate} [2 jobs/s], {@code --start-timeout} [240 s].
 */
public final class DispatchBenchmark {

  /**
   * Each baseline with the prefetch it is compared at (the brief's "old depth" and deep queues).
   */
  private static final Map<String, Integer> PREFETCH =
      Map.of("soonest-finish", 1, "least-outstanding", 2, "round-robin", 16);

  private final Map<String, String> flags;
  private final Path jar;
  private final HttpClient http = PlatformClient.newHttp();
  private final Duration startTimeout;
  private final StringBuilder report = new StringBuilder();

  private DispatchBenchmark(Map<String, String> flags) {
    this.flags = flags;
    this.jar = Path.of(flag("jar", "orchestrator-api/target/gpufleet.jar"));
    this.startTimeout = Duration.ofSeconds(Long.parseLong(flag("start-timeout", "240")));
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    new DispatchBenchmark(flags).run();
  }

  private String flag(String name, String dflt) {
    return flags.getOrDefault(name, dflt);
  }

  private int intFlag(String name, int dflt) {
    return Integer.parseInt(flag(name, Integer.toString(dflt)));
  }

  private void run() throws Exception {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " is missing: ./mvnw -B -q -pl orchestrator-api -am -DskipTests package");
    }
    List<String> phases =
        Arrays.asList(flag("phases", "submit,overhead,makespan,scale").split(","));
    long started = System.nanoTime();
    line(
        "Dispatch benchmark, %s, %d cores, load average at start %s%n",
        Instant.now(), Runtime.getRuntime().availableProcessors(), loadAverage());
    if (phases.contains("submit") || phases.contains("overhead")) {
      submitAndOverhead(phases.contains("overhead"), phases.contains("submit"));
    }
    if (phases.contains("makespan")) {
      makespan();
    }
    if (phases.contains("scale")) {
      scale();
    }
    line(
        "%nWhole run %.0f s; load average at the end %s%n",
        (System.nanoTime() - started) / 1e9, loadAverage());
    System.out.print(report);
  }

  /**
   * One platform: the overhead first (one server, idle), then that server forgotten, the bursts.
   */
  private void submitAndOverhead(boolean overhead, boolean submit) throws Exception {
    try (PlatformProcess platform =
        PlatformProcess.start(jar, "submit+overhead", List.of(), startTimeout)) {
      PlatformClient client = new PlatformClient(http, platform.baseUrl(), platform.adminKey());
      client.liftAdminLimits();
      List<String> keys = client.newUserKeys("burst", intFlag("users", 10));
      if (overhead) {
        try (DispatchOverhead phase = new DispatchOverhead()) {
          String server = client.registerServer("overhead", phase.comfyUrl(), null);
          client.awaitHealthyServers(1, Duration.ofSeconds(60));
          DispatchOverhead.Result r =
              phase.run(client, keys.get(0), 20, intFlag("overhead-count", 200));
          client.forgetServer(server);
          printOverhead(r);
        }
      }
      if (submit) {
        submitBursts(platform, client, keys);
      }
    }
  }

  private void submitBursts(PlatformProcess process, PlatformClient client, List<String> keys)
      throws Exception {
    List<Integer> levels =
        Arrays.stream(flag("concurrency", "4,16,32").split(",")).map(Integer::parseInt).toList();
    int highest = levels.stream().mapToInt(Integer::intValue).max().orElse(32);
    try (SubmitBurst burst = new SubmitBurst(http)) {
      // JIT and connection pools warm on both sides before anything is measured
      int warmup = intFlag("warmup", 300);
      burst.platform(client, keys, warmup, 8);
      burst.direct(warmup, 8);
      List<SubmitBurst.Row[]> rows = new ArrayList<>();
      List<double[]> cpu = new ArrayList<>();
      for (int c : levels) {
        int n = c == highest ? intFlag("submit-count", 2000) : intFlag("submit-count-low", 500);
        double jvm = process.jvmCpuSeconds();
        double pg = process.postgresCpuSeconds();
        SubmitBurst.Row platform = burst.platform(client, keys, n, c);
        cpu.add(
            new double[] {
              (process.jvmCpuSeconds() - jvm) * 1000 / Math.max(1, platform.accepted()),
              (process.postgresCpuSeconds() - pg) * 1000 / Math.max(1, platform.accepted())
            });
        SubmitBurst.Row direct = burst.direct(n, c);
        rows.add(new SubmitBurst.Row[] {platform, direct});
      }
      line(
          "%n### Submit path: 1-step generations, %d users, no server registered%n%n", keys.size());
      line(
          "| concurrency | sent | platform accepted/s | p50 | p99 | direct /prompt rate | p50 | p99"
              + " | rate platform/direct | p50 platform/direct"
              + " | platform CPU per submit: JVM | its PostgreSQL |%n");
      line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
      for (int i = 0; i < rows.size(); i++) {
        SubmitBurst.Row p = rows.get(i)[0];
        SubmitBurst.Row d = rows.get(i)[1];
        line(
            "| %d | %d (%d accepted) | %s | %s | %s | %s | %s | %s | %s | %s | %.2f ms | %.2f ms |%n",
            p.concurrency(),
            p.sent(),
            p.accepted(),
            Latencies.perSecond(p.rate()),
            Latencies.ms(p.latencies().p50()),
            Latencies.ms(p.latencies().p99()),
            Latencies.perSecond(d.rate()),
            Latencies.ms(d.latencies().p50()),
            Latencies.ms(d.latencies().p99()),
            Latencies.ratio(p.rate(), d.rate()),
            Latencies.ratio(p.latencies().p50(), d.latencies().p50()),
            cpu.get(i)[0],
            cpu.get(i)[1]);
      }
    }
  }

  private void printOverhead(DispatchOverhead.Result r) {
    line(
        "%n### Dispatch overhead: idle fleet of one server, %d sequential 1-step generations%n%n",
        r.samples());
    line("| measure | p50 | p99 | max |%n|---|---:|---:|---:|%n");
    row("submit: POST sent → 202 received", r.submit());
    row("202 received → ComfyUI receives /prompt", r.from202());
    row("createdAt → ComfyUI receives /prompt", r.fromCreatedAt());
    row("POST sent → ComfyUI receives /prompt", r.submitToReceived());
    line(
        "%n%d of %d prompts reached the simulator before the 202 reached the client.%n",
        r.arrivedBefore202(), r.samples());
  }

  private void row(String name, Latencies l) {
    line(
        "| %s | %s | %s | %s |%n",
        name, Latencies.ms(l.p50()), Latencies.ms(l.p99()), Latencies.ms(l.max()));
  }

  private void makespan() throws Exception {
    double[] speeds = MakespanSimulation.SPEEDS;
    long seed = Long.parseLong(flag("seed", "21"));
    List<MakespanSimulation.Job> mix =
        MakespanSimulation.mix(intFlag("makespan-jobs", 300), 0.8, 8, 60, 4, seed);
    List<MakespanRun.Result> results = new ArrayList<>();
    try (MakespanRun phase = new MakespanRun(http, speeds)) {
      for (String strategy :
          flag("strategies", "soonest-finish,least-outstanding,round-robin").split(",")) {
        int prefetch = PREFETCH.getOrDefault(strategy, 1);
        try (PlatformProcess platform =
            PlatformProcess.start(
                jar,
                strategy,
                List.of(
                    "--gpufleet.routing.strategy=" + strategy,
                    "--gpufleet.routing.prefetch=" + prefetch),
                startTimeout)) {
          PlatformClient client = new PlatformClient(http, platform.baseUrl(), platform.adminKey());
          client.liftAdminLimits();
          results.add(phase.run(strategy, client, mix, 4));
        }
      }
    }
    double work = mix.stream().mapToDouble(MakespanSimulation.Job::work).sum();
    line(
        "%n### Makespan: %d jobs (80%% 8 steps, 20%% 60 steps; %.0f steps) from 4 users, servers of"
            + " %s steps/s (%.0f in all), seed %d%n%n",
        mix.size(), work, Arrays.toString(speeds), Arrays.stream(speeds).sum(), seed);
    line(
        "| strategy (prefetch) | completed | prompts sent | makespan | lower bound | × bound |"
            + " simulated × bound | 8-step dispatch→finish on slowest, median | jobs per server"
            + " |%n");
    line("|---|---:|---:|---:|---:|---:|---:|---:|---|%n");
    for (MakespanRun.Result r : results) {
      MakespanSimulation.Result simulated = MakespanSimulation.run(policy(r.strategy()), mix);
      line(
          "| %s (%d) | %d / %d | %d | %s | %s | %s | %s | %s (%d jobs; work %.1f s) | %s |%n",
          r.strategy(),
          PREFETCH.getOrDefault(r.strategy(), 1),
          r.completed(),
          r.jobs(),
          r.promptsReceived(),
          Latencies.seconds(r.makespanSeconds()),
          Latencies.seconds(r.lowerBoundSeconds()),
          String.format(Locale.ROOT, "%.2f", r.ratio()),
          String.format(Locale.ROOT, "%.2f", simulated.ratio()),
          Latencies.seconds(r.shortOnSlowestMedianSeconds()),
          r.shortOnSlowest(),
          8 / Arrays.stream(speeds).min().orElseThrow(),
          Arrays.toString(r.jobsPerServer()));
    }
    line("%nLower bound = total steps / total speed + c × jobs / servers, c per run:");
    for (MakespanRun.Result r : results) {
      line(" %s c = %.3f s;", r.strategy(), r.fixedCostSeconds());
    }
    line(
        "%nc = the median over the six servers of (execution_success − prompt received) − steps /"
            + " speed, for an 8-step job alone on a warm idle server.%n");
  }

  private static MakespanSimulation.Policy policy(String strategy) {
    return switch (strategy) {
      case "least-outstanding" -> MakespanSimulation.Policy.LEAST_OUTSTANDING;
      case "round-robin" -> MakespanSimulation.Policy.ROUND_ROBIN;
      default -> MakespanSimulation.Policy.SOONEST_FINISH;
    };
  }

  private void scale() throws Exception {
    int servers = intFlag("scale-servers", 500);
    try (FleetScale phase = new FleetScale(servers);
        PlatformProcess platform =
            PlatformProcess.start(
                jar, "scale", List.of("--gpufleet.scheduler.probe-interval=10s"), startTimeout)) {
      PlatformClient client = new PlatformClient(http, platform.baseUrl(), platform.adminKey());
      client.liftAdminLimits();
      FleetScale.Result r =
          phase.run(
              platform,
              client,
              Double.parseDouble(flag("scale-idle-seconds", "20")),
              Double.parseDouble(flag("scale-seconds", "60")),
              Double.parseDouble(flag("scale-rate", "2")));
      line(
          "%n### Fleet scale: %d servers (simulators in the benchmark's process, 10-50 steps/s),"
              + " probed every 10 s; registered and healthy in %.0f s%n%n",
          r.servers(), r.registration().toMillis() / 1000.0);
      line(
          "| window | seconds | jobs submitted | platform JVM CPU | embedded PostgreSQL CPU |"
              + " heap used, max / last | live threads (JVM) | threads (OS) |%n");
      line("|---|---:|---:|---:|---:|---:|---:|---:|%n");
      for (FleetScale.Window w : List.of(r.probesOnly(), r.withJobs())) {
        line(
            "| %s | %.0f | %d | %.2f cores | %.2f cores | %.0f / %.0f MB | %d | %d |%n",
            w.name(),
            w.seconds(),
            w.jobs(),
            w.jvmCores(),
            w.postgresCores(),
            w.heapMaxMb(),
            w.heapLastMb(),
            w.liveThreads(),
            w.osThreads());
      }
      line(
          "%n%d of %d trickle jobs completed, on %d distinct servers; heap limit 512 MB.%n",
          r.completed(), r.withJobs().jobs(), r.serversUsed());
    }
  }

  private void line(String format, Object... args) {
    String text = String.format(Locale.ROOT, format, args);
    report.append(text);
    System.err.print(text);
  }

  private static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
