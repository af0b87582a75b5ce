package io.gpufleet.simulator.sandbox;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.vast.OfferSpec;
import io.gpufleet.simulator.vast.VastSimulator;
import io.gpufleet.simulator.vast.VastSimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A simulated Vast.ai account whose rented instances are real enough to set up and use: each has an
 * SSH endpoint that runs setup scripts, and the ComfyUI those scripts start.
 */
public final class SandboxFleet implements AutoCloseable {

  private final VastSimulator vast;
  private final SandboxMachines machines;

  private SandboxFleet(VastSimulator vast, SandboxMachines machines) {
    this.vast = vast;
    this.machines = machines;
  }

  public static SandboxFleet start(SandboxConfig config) {
    SandboxMachines machines = new SandboxMachines(config);
    VastSimulator vast =
        VastSimulator.start(
            VastSimulatorConfig.builder()
                .port(config.vastPort())
                .provisioningDelay(Duration.ofMillis(500))
                .loadingDelay(config.loadingDelay())
                .rebootDelay(Duration.ofSeconds(1))
                .hosts(machines)
                .catalog(marketplace())
                .tickInterval(Duration.ofSeconds(1))
                .build());
    return new SandboxFleet(vast, machines);
  }

  /**
   * The default marketplace and, like the real one, many more single- and dual-GPU machines of the
   * common models, so that a sandbox (and a test suite sharing one) does not run out.
   */
  static List<OfferSpec> marketplace() {
    List<OfferSpec> offers = new ArrayList<>(OfferSpec.defaultCatalog());
    List<String> places = List.of("Texas, US", "Oregon, US", "Quebec, CA", "Bavaria, DE");
    long id = 8_200_001;
    long machine = 52_001;
    for (OfferSpec model : OfferSpec.defaultCatalog()) {
      if (model.numGpus() > 2 || model.machineId() % 2 == 0) {
        continue; // one template per GPU model and count
      }
      for (int host = 0; host < 20; host++, id++, machine++) {
        double markup = 1.0 + (host % 7) * 0.03;
        offers.add(
            new OfferSpec(
                id,
                machine,
                model.gpuName(),
                model.numGpus(),
                model.gpuRamMb(),
                Math.round(model.dphBase() * markup * 1000) / 1000.0,
                places.get(host % places.size()),
                0.999 - (host % 5) * 0.004,
                800 + host * 37,
                Math.max(model.diskSpaceGb(), 120),
                true,
                100));
      }
    }
    return List.copyOf(offers);
  }

  public VastSimulator vast() {
    return vast;
  }

  public String vastBaseUrl() {
    return vast.baseUrl();
  }

  public String vastApiKey() {
    return vast.apiKey();
  }

  /**
   * Whether one of this fleet's simulators listens on this loopback port: the Vast.ai API, or an
   * instance's SSH endpoint or ComfyUI.
   */
  public boolean servesOn(int port) {
    return port == java.net.URI.create(vast.baseUrl()).getPort() || machines.serves(port);
  }

  /** The ComfyUI of a running, set-up instance. */
  public Optional<ComfySimulator> comfyOf(long instanceId) {
    return machines.comfyOf(instanceId);
  }

  @Override
  public void close() {
    vast.close();
    machines.closeAll();
  }

  @Override
  public String toString() {
    return "SandboxFleet[" + vast.baseUrl() + "]";
  }
}
