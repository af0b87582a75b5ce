package io.gpufleet.simulator.sandbox;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.vast.VastSimulator;
import io.gpufleet.simulator.vast.VastSimulatorConfig;
import java.time.Duration;
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
                .tickInterval(Duration.ofSeconds(1))
                .build());
    return new SandboxFleet(vast, machines);
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
