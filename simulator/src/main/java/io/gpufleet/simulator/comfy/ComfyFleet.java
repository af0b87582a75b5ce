package io.gpufleet.simulator.comfy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Many simulated ComfyUIs in one process, for fleet-scale tests and benchmarks: one Jetty server
 * with a connector per simulator, shared HTTP and worker threads, sampling speeds spread evenly
 * from the slowest to the fastest. Each simulator is a full {@link ComfySimulator} on its own port
 * with its own queue, history, files and faults.
 */
public final class ComfyFleet implements AutoCloseable {

  /**
   * @param count how many simulators
   * @param portBase the first of {@code count} consecutive ports; 0 gives each a free port
   * @param slowest the first simulator's steps per second
   * @param fastest the last one's; the others are spread evenly in between
   * @param template everything else (GPU, models, previews); its port and data dir are ignored
   */
  public record Config(
      int count, int portBase, double slowest, double fastest, ComfySimulatorConfig template) {
    public Config {
      if (count < 1) {
        throw new IllegalArgumentException("count must be at least 1");
      }
      if (portBase < 0 || portBase > 0 && portBase + count - 1 > 65535) {
        throw new IllegalArgumentException("ports out of range from " + portBase);
      }
      if (!(slowest > 0) || !(fastest >= slowest)) {
        throw new IllegalArgumentException("speeds must be positive, slowest first");
      }
    }

    /** The speed of simulator {@code index}: even steps from slowest to fastest. */
    public double speedOf(int index) {
      return count == 1 ? slowest : slowest + (fastest - slowest) * index / (count - 1);
    }
  }

  private final ComfyHost host;
  private final List<ComfySimulator> simulators;
  private final Path root;

  private ComfyFleet(ComfyHost host, List<ComfySimulator> simulators, Path root) {
    this.host = host;
    this.simulators = List.copyOf(simulators);
    this.root = root;
  }

  public static ComfyFleet start(Config config) {
    ComfyHost host = new ComfyHost(config.count(), "comfy-fleet");
    Path root;
    try {
      root = Files.createTempDirectory("comfy-fleet");
    } catch (IOException e) {
      host.close();
      throw new UncheckedIOException(e);
    }
    List<ComfySimulator> sims = new ArrayList<>();
    try {
      for (int i = 0; i < config.count(); i++) {
        ComfySimulatorConfig c =
            config
                .template()
                .withPort(config.portBase() == 0 ? 0 : config.portBase() + i)
                .withStepsPerSecond(config.speedOf(i))
                .withDataDir(root.resolve(String.format("comfy-%04d", i)));
        sims.add(new ComfySimulator(c, host, false));
      }
      // The first opens every port at once; the others only read theirs.
      sims.forEach(ComfySimulator::listen);
    } catch (IOException | RuntimeException e) {
      host.close();
      delete(root);
      if (e instanceof IOException) {
        throw new UncheckedIOException((IOException) e);
      }
      throw (RuntimeException) e;
    }
    return new ComfyFleet(host, sims, root);
  }

  /** The simulators, in port order when a port base was given. */
  public List<ComfySimulator> simulators() {
    return simulators;
  }

  public List<String> baseUrls() {
    return simulators.stream().map(ComfySimulator::baseUrl).toList();
  }

  /** The fleet's sampling capacity: the sum of every simulator's steps per second. */
  public double totalStepsPerSecond() {
    return simulators.stream().mapToDouble(ComfySimulator::stepsPerSecond).sum();
  }

  @Override
  public void close() {
    try {
      simulators.forEach(ComfySimulator::stopServing);
      host.close();
    } finally {
      delete(root);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // leftovers in the temp directory are harmless
    }
  }
}
