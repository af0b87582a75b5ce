package io.gpufleet.api.fleet;

import java.time.Instant;
import java.util.List;

/**
 * What the generation pipeline tells the fleet summary and charts. Without a pipeline, nothing is
 * queued or done.
 */
interface GenerationFigures {

  long queueDepth();

  long running();

  /** Generations that ended in {@code [from, to)}, by final status. */
  Outcomes outcomes(Instant from, Instant to);

  /** Per step of a window: completions, failures, and wait and run times. */
  List<StepFigures> series(Instant from, Instant to, java.time.Duration step);

  record Outcomes(long completed, long failed, long cancelled) {
    public double successRate() {
      long finished = completed + failed;
      return finished == 0 ? 1.0 : (double) completed / finished;
    }
  }

  record StepFigures(
      Instant at,
      long completed,
      long failed,
      double medianWaitSeconds,
      double p95WaitSeconds,
      double medianRunSeconds,
      double p95RunSeconds,
      double gpuSeconds) {}

  GenerationFigures NONE =
      new GenerationFigures() {
        @Override
        public long queueDepth() {
          return 0;
        }

        @Override
        public long running() {
          return 0;
        }

        @Override
        public Outcomes outcomes(Instant from, Instant to) {
          return new Outcomes(0, 0, 0);
        }

        @Override
        public List<StepFigures> series(Instant from, Instant to, java.time.Duration step) {
          return List.of();
        }
      };
}
