package io.gpufleet.simulator;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ollama.OllamaSimulator;
import io.gpufleet.simulator.ollama.OllamaSimulatorConfig;
import io.gpufleet.simulator.sandbox.SandboxConfig;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    if (flags.containsKey("help")
        || !flags.containsKey("vast-port")
            && !flags.containsKey("comfy-port")
            && !flags.containsKey("ollama-port")) {
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
    if (flags.containsKey("comfy-port")) {
      ComfySimulatorConfig config =
          ComfySimulatorConfig.defaults()
              .withPort(Integer.parseInt(flags.get("comfy-port")))
              .withStepsPerSecond(Double.parseDouble(flags.getOrDefault("steps-per-second", "20")));
      if (flags.containsKey("gpu-name")) {
        long vramGb = Long.parseLong(flags.getOrDefault("vram-gb", "24"));
        config = config.withGpu(flags.get("gpu-name"), vramGb * 1024 * 1024 * 1024);
      }
      ComfySimulator comfy = ComfySimulator.start(config);
      running.add(comfy);
      System.out.println("ComfyUI:      " + comfy.baseUrl());
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
        --gpu-name NAME        the ComfyUI's GPU (with --vram-gb, default 24)
        --steps-per-second F   sampling speed of simulated GPUs (default 20)
        --ollama-port N        serve one Ollama on port N (0: any)
        --tokens-per-second F  how fast the Ollama streams answers (default 20)
      """;
}
