package io.gpufleet.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.simulator.comfy.ComfyFleet;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {

  @Test
  void flagsTakeSpaceOrEqualsSeparatedValues() {
    assertThat(SimulatorMain.parse(new String[] {"--comfy-count", "500", "--comfy-speeds=10-50"}))
        .containsEntry("comfy-count", "500")
        .containsEntry("comfy-speeds", "10-50");
  }

  @Test
  void speedsAreARangeOrOneValue() {
    assertThat(SimulatorMain.speeds("10-50")).containsExactly(10.0, 50.0);
    assertThat(SimulatorMain.speeds("20")).containsExactly(20.0, 20.0);
    assertThatThrownBy(() -> SimulatorMain.speeds("50-10"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFleetSpreadsItsSpeedsEvenly() {
    ComfyFleet.Config config = new ComfyFleet.Config(5, 0, 10, 50, ComfySimulatorConfig.defaults());

    assertThat(config.speedOf(0)).isEqualTo(10.0);
    assertThat(config.speedOf(2)).isEqualTo(30.0);
    assertThat(config.speedOf(4)).isEqualTo(50.0);
  }

  @Test
  void checkpointsCanBeReplacedKeepingKnownSizes() {
    ComfySimulatorConfig config =
        ComfySimulatorConfig.defaults()
            .withCheckpoints(java.util.List.of("v1-5-pruned-emaonly.safetensors", "mine.ckpt"));

    assertThat(config.models().get("checkpoints"))
        .extracting(ComfySimulatorConfig.ModelFile::name)
        .containsExactly("v1-5-pruned-emaonly.safetensors", "mine.ckpt");
    assertThat(config.models().get("checkpoints").get(0).sizeBytes()).isEqualTo(4_265_146_304L);
    assertThat(config.models()).containsKey("loras");
  }
}
