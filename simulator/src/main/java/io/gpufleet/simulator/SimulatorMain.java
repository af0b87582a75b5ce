package io.gpufleet.simulator;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import io.gpufleet.simulator.ollama.OllamaSimulatorConfig;
import io.gpufleet.simulator.sandbox.SandboxConfig;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The simulators as a standalone program, for trying a client against them:
 *
 * <pre>
 * java -jar simulator/target/gpufleet-simulator.jar --vast-port 18080 --comfy-port 18188
 * </pre>
 *
 * See {@code simulator/README.md} for every flag.
 */
public final class SimulatorMain {

  private SimulatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> flags;
    try {
      flags = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    boolean comfy =
        flags.containsKey("comfy-port")
            || flags.containsKey("comfy-port-base")
            || flags.containsKey("comfy-count");
    if (flags.containsKey("help")
        || !flags.containsKey("vast-port") && !comfy && !flags.containsKey("ollama-port")) {
      System.out.println(USAGE);
      return;
    }
    List<AutoCloseable> running = new ArrayList<>();
    if (flags.containsKey("vast-port")) {
      SandboxConfig config =
          SandboxConfig.defaults()
              .withVastPort(Integer.parseInt(flags.get("vast-port")))
              .withLoadingDelay(
                  Duration.ofMillis(Long.parseLong(flags.getOrDefault("vast-loading-ms", "3000"))))
              .withToolTimeFactor(
                  Double.parseDouble(flags.getOrDefault("tool-time-factor", "0.02")))
              .withStepsPerSecond(Double.parseDouble(flags.getOrDefault("steps-per-second", "20")));
      SandboxFleet fleet = SandboxFleet.start(config);
      running.add(fleet);
      System.out.println(
          "Vast.ai API:  " + fleet.vastBaseUrl() + "  (API key: " + fleet.vastApiKey() + ")");
    }
    if (comfy) {
      try {
        running.add(startComfy(flags));
      } catch (IllegalArgumentException e) {
        System.err.println(e.getMessage());
        System.exit(2);
        return;
      }
    }
    if (flags.containsKey("ollama-port")) {
      OllamaSimulator ollama =
          OllamaSimulator.start(
              OllamaSimulatorConfig.defaults()
                  .withPort(Integer.parseInt(flags.get("ollama-port")))
                  .withTokensPerSecond(
                      Double.parseDouble(flags.getOrDefault("tokens-per-second", "20"))));
      running.add(ollama);
      System.out.println("Ollama:       " + ollama.baseUrl());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (AutoCloseable closeable : running) {
                    try {
                      closeable.close();
                    } catch (Exception e) {
                      // shutting down anyway
                    }
                  }
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** One ComfyUI, or a fleet of them on consecutive ports (or free ones) with spread speeds. */
  static AutoCloseable startComfy(Map<String, String> flags) {
    double speed = Double.parseDouble(flags.getOrDefault("steps-per-second", "20"));
    ComfySimulatorConfig config = ComfySimulatorConfig.defaults().withStepsPerSecond(speed);
    if (flags.containsKey("gpu-name")) {
      long vramGb = Long.parseLong(flags.getOrDefault("vram-gb", "24"));
      config = config.withGpu(flags.get("gpu-name"), vramGb * 1024 * 1024 * 1024);
    }
    if (flags.containsKey("comfy-checkpoints")) {
      config =
          config.withCheckpoints(
              Arrays.stream(flags.get("comfy-checkpoints").split(","))
                  .map(String::trim)
                  .filter(n -> !n.isEmpty())
                  .toList());
    }
    int count = Integer.parseInt(flags.getOrDefault("comfy-count", "1"));
    double[] speeds = speeds(flags.getOrDefault("comfy-speeds", Double.toString(speed)));
    if (count == 1 && !flags.containsKey("comfy-port-base")) {
      config = config.withStepsPerSecond(speeds[0]);
      ComfySimulator one =
          ComfySimulator.start(
              config.withPort(Integer.parseInt(flags.getOrDefault("comfy-port", "0"))));
      System.out.println("ComfyUI:      " + one.baseUrl());
      return one;
    }
    int base =
        Integer.parseInt(
            flags.getOrDefault("comfy-port-base", flags.getOrDefault("comfy-port", "0")));
    ComfyFleet fleet =
        ComfyFleet.start(new ComfyFleet.Config(count, base, speeds[0], speeds[1], config));
    for (ComfySimulator sim : fleet.simulators()) {
      System.out.printf(
          Locale.ROOT, "ComfyUI:      %s  (%.1f steps/s)%n", sim.baseUrl(), sim.stepsPerSecond());
    }
    System.out.printf(
        Locale.ROOT,
        "%d ComfyUIs, %.1f steps/s in all%n",
        fleet.simulators().size(),
        fleet.totalStepsPerSecond());
    return fleet;
  }

  /** "10-50" or "20": the slowest and fastest speeds. */
  static double[] speeds(String spec) {
    String[] parts = spec.split("-", 2);
    double low = Double.parseDouble(parts[0].trim());
    double high = parts.length > 1 ? Double.parseDouble(parts[1].trim()) : low;
    if (!(low > 0) || high < low) {
      throw new IllegalArgumentException("--comfy-speeds wants LOW-HIGH with 0 < LOW <= HIGH");
    }
    return new double[] {low, high};
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("Unexpected argument: " + arg);
      }
      String name = arg.substring(2);
      String value = "true";
      int equals = name.indexOf('=');
      if (equals >= 0) {
        value = name.substring(equals + 1);
        name = name.substring(0, equals);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      }
      flags.put(name, value);
    }
    return flags;
  }

  static final String USAGE =
      """
      GPU Fleet simulators

        --vast-port N          serve the Vast.ai API on port N (0: any); rented instances get a real
                               SSH endpoint, and ComfyUI once a setup script starts it
        --vast-loading-ms N    how long an instance takes to load (default 3000)
        --tool-time-factor F   how long setup tools take, 1 = like the real ones (default 0.02)
        --comfy-port N         serve one ComfyUI on port N (0: any)
        --comfy-count N        serve N ComfyUIs from this process (default 1)
        --comfy-port-base N    on ports N, N+1, ... (0 or absent: any free port each)
        --comfy-speeds A-B     their speeds, spread evenly from A to B steps/s
                               (default: --steps-per-second for all)
        --comfy-checkpoints L  the ComfyUIs' checkpoint files, comma-separated (default: SD 1.5
                               in both stock files, SDXL base and refiner)
        --gpu-name NAME        the ComfyUI's GPU (with --vram-gb, default 24)
        --steps-per-second F   sampling speed of simulated GPUs (default 20)
        --ollama-port N        serve one Ollama on port N (0: any)
        --tokens-per-second F  how fast the Ollama streams answers (default 20)
      """;
}
