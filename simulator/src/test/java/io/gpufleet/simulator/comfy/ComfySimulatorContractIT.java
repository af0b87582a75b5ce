package io.gpufleet.simulator.comfy;

import io.gpufleet.comfy.ComfyContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The client's contract suite against a real simulator on a real port. */
class ComfySimulatorContractIT extends ComfyContract {
  private static ComfySimulator simulator;

  @BeforeAll
  static void start() {
    simulator = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(500));
  }

  @AfterAll
  static void stop() {
    simulator.close();
  }

  @Override
  protected String baseUrl() {
    return simulator.baseUrl();
  }
}
