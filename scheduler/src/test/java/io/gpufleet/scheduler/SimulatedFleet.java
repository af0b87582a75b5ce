package io.gpufleet.scheduler;

import io.gpufleet.scheduler.servers.DrainProbe;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.vast.InstanceHosts;
import io.gpufleet.simulator.vast.OfferSpec;
import io.gpufleet.simulator.vast.VastSimulator;
import io.gpufleet.simulator.vast.VastSimulatorConfig;
import io.gpufleet.testing.MutableClock;
import io.gpufleet.vast.VastClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * A Vast.ai simulator whose instances run a ComfyUI simulator as soon as their container starts, a
 * Vast client pointed at it, a clock tests can move, and a drain probe tests can load.
 */
@TestConfiguration(proxyBeanMethods = false)
public class SimulatedFleet {

  @Bean
  MutableClock clock() {
    return new MutableClock();
  }

  @Bean
  ComfyHosts comfyHosts() {
    return new ComfyHosts();
  }

  @Bean(destroyMethod = "close")
  VastSimulator vastSimulator(ComfyHosts hosts) {
    return VastSimulator.start(
        VastSimulatorConfig.builder()
            .provisioningDelay(Duration.ofMillis(100))
            .loadingDelay(Duration.ofMillis(300))
            .rebootDelay(Duration.ofMillis(100))
            .hosts(hosts)
            .catalog(catalog())
            .build());
  }

  /** Plenty of RTX 4090s in the US (every test rents its own), and the default marketplace. */
  static List<OfferSpec> catalog() {
    List<OfferSpec> offers = new ArrayList<>(OfferSpec.defaultCatalog());
    for (int i = 0; i < 80; i++) {
      offers.add(
          new OfferSpec(
              9_000_000 + i,
              90_000 + i,
              "RTX 4090",
              1,
              24564,
              0.30 + i * 0.005,
              i % 2 == 0 ? "Texas, US" : "Oregon, US",
              0.99 - (i % 5) * 0.01,
              1000,
              200,
              true,
              100));
    }
    return offers;
  }

  @Bean
  VastClient vastClient(VastSimulator simulator) {
    return VastClient.builder()
        .apiKey(simulator.apiKey())
        .baseUrl(simulator.baseUrl())
        .noSpacing()
        .initialBackoff(Duration.ofMillis(20))
        .maxBackoff(Duration.ofMillis(100))
        .build();
  }

  @Bean
  LoadedDrainProbe drainProbe() {
    return new LoadedDrainProbe();
  }

  /** Work that tests say a server has. */
  public static final class LoadedDrainProbe implements DrainProbe {
    private final Map<UUID, Integer> work = new ConcurrentHashMap<>();

    public void set(UUID serverId, int generations) {
      work.put(serverId, generations);
    }

    @Override
    public int activeWork(UUID serverId) {
      return work.getOrDefault(serverId, 0);
    }
  }

  /** Containers with ComfyUI already installed: a simulator on the port mapped to 8188. */
  public static final class ComfyHosts implements InstanceHosts {
    private final Map<Long, ComfySimulator> comfy = new ConcurrentHashMap<>();

    public ComfySimulator comfyOf(long instanceId) {
      return comfy.get(instanceId);
    }

    @Override
    public Map<Integer, Integer> started(Launch launch) {
      Map<Integer, Integer> ports = new HashMap<>();
      for (int containerPort : launch.containerPorts()) {
        ports.put(containerPort, freePort());
      }
      ports.putIfAbsent(22, freePort());
      if (ports.containsKey(8188)) {
        ComfySimulator simulator =
            ComfySimulator.start(ComfySimulatorConfig.defaults().withPort(ports.get(8188)));
        ComfySimulator previous = comfy.put(launch.instanceId(), simulator);
        if (previous != null) {
          previous.close();
        }
      }
      return ports;
    }

    @Override
    public void stopped(long instanceId) {
      ComfySimulator simulator = comfy.remove(instanceId);
      if (simulator != null) {
        simulator.close();
      }
    }

    @Override
    public void destroyed(long instanceId) {
      stopped(instanceId);
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
