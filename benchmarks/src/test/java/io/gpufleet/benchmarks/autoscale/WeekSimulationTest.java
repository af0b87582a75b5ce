package io.gpufleet.benchmarks.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A one-day smoke run of the simulation; the week is run by hand (docs/benchmarks.md). */
class WeekSimulationTest {

  @Test
  void aDayIsTheSameTwiceAndTheAutoscalerWaitsLessThanIdleStopForLessThanAlwaysOn() {
    List<Result> first = WeekSimulation.run(1, 7);
    assertThat(WeekSimulation.run(1, 7)).isEqualTo(first);

    Result alwaysOn = first.get(0);
    Result idleStop = first.get(2);
    Result autoscaler = first.get(3);
    assertThat(autoscaler.strategy()).startsWith("autoscaler");
    // a Monday with a burst of a few hundred jobs: no strategy keeps p95 under 2 min that day
    assertThat(autoscaler.p95Wait()).isLessThanOrEqualTo(idleStop.p95Wait());
    assertThat(autoscaler.cost()).isLessThan(alwaysOn.cost());
    assertThat(autoscaler.jobs()).isEqualTo(alwaysOn.jobs()).isPositive();
  }
}
