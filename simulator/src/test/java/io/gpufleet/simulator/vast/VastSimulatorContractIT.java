package io.gpufleet.simulator.vast;

import io.gpufleet.vast.VastContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The same contract the client passes against WireMock, against the simulator's real socket. */
class VastSimulatorContractIT extends VastContract {
  private VastSimulator simulator;

  @BeforeEach
  void startSimulator() {
    simulator =
        VastSimulator.start(
            VastSimulatorConfig.builder()
                .stateDelays(Duration.ofMillis(150))
                .tickInterval(Duration.ofMillis(20))
                .build());
  }

  @AfterEach
  void stopSimulator() {
    simulator.close();
  }

  @Override
  protected String baseUrl() {
    return simulator.baseUrl();
  }

  @Override
  protected String apiKey() {
    return simulator.apiKey();
  }
}
