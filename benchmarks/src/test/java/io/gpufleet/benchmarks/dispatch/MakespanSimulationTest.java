package io.gpufleet.benchmarks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.benchmarks.dispatch.MakespanSimulation.Job;
import io.gpufleet.benchmarks.dispatch.MakespanSimulation.Policy;
import io.gpufleet.benchmarks.dispatch.MakespanSimulation.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Simulated time: the figures are the policies', not this machine's. */
class MakespanSimulationTest {

  @Test
  void soonestFinishStaysNearTheBoundWhereRoundRobinDoesNot() {
    for (long seed : new long[] {1, 16, 42}) {
      List<Job> jobs = MakespanSimulation.mix(300, 0.8, 8, 60, 4, seed);
      Result soonest = MakespanSimulation.run(Policy.SOONEST_FINISH, jobs);
      Result leastOutstanding = MakespanSimulation.run(Policy.LEAST_OUTSTANDING, jobs);
      Result roundRobin = MakespanSimulation.run(Policy.ROUND_ROBIN, jobs);

      assertThat(soonest.ratio()).as("seed %d", seed).isLessThanOrEqualTo(1.10);
      assertThat(roundRobin.ratio()).as("seed %d", seed).isGreaterThan(1.4);
      assertThat(soonest.makespan()).isLessThan(leastOutstanding.makespan());
      assertThat(soonest.shortOnSlowestMedian())
          .as("a short job is not stuck behind long ones on the slowest server")
          .isLessThan(roundRobin.shortOnSlowestMedian());
    }
  }

  @Test
  void everyJobRunsOnceWhateverThePolicy() {
    List<Job> jobs = MakespanSimulation.mix(50, 0.5, 8, 60, 3, 7);
    for (Policy p : Policy.values()) {
      Result r = MakespanSimulation.run(p, jobs);
      assertThat(r.makespan()).as(p.name()).isGreaterThanOrEqualTo(r.lowerBound());
    }
  }
}
