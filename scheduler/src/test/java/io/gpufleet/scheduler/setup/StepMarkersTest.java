package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.scheduler.setup.StepMarkers.Step;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StepMarkersTest {

  @Test
  void readsNumberTotalAndTitle() {
    assertThat(StepMarkers.parse("##STEP 3/6 Fetch ComfyUI a125cd84b054"))
        .contains(new Step(3, 6, "Fetch ComfyUI a125cd84b054"));
  }

  @Test
  void toleratesCarriageReturnAndTrailingBlanks() {
    assertThat(StepMarkers.parse("##STEP 1/2 Install system packages \r"))
        .contains(new Step(1, 2, "Install system packages"));
  }

  @Test
  void toleratesTextBeforeTheMarker() {
    assertThat(StepMarkers.parse("[2025-10-01T10:00:00Z] ##STEP 2/2 Start ComfyUI service"))
        .contains(new Step(2, 2, "Start ComfyUI service"));
  }

  @Test
  void lastStepMayEqualTheTotal() {
    assertThat(StepMarkers.parse("##STEP 12/12 done")).contains(new Step(12, 12, "done"));
  }

  @Nested
  class Rejects {

    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "Reading package lists...",
          "##STEP",
          "##STEP 1/3",
          "##STEP 1/3   ",
          "##STEP 0/3 zero",
          "##STEP 4/3 beyond the total",
          "##STEP a/3 letters",
          "## STEP 1/3 spaced",
          "#STEP 1/3 one hash"
        })
    void linesWithoutAWellFormedMarker(String line) {
      assertThat(StepMarkers.parse(line)).isEmpty();
    }
  }
}
