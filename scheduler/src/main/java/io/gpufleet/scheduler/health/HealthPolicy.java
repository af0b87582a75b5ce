package io.gpufleet.scheduler.health;

import io.gpufleet.persistence.servers.HealthState;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Turns one probe into a health state. A slow answer is DEGRADED; one failed probe is DEGRADED and
 * {@code unreachableAfter} in a row are UNREACHABLE — so a dead ComfyUI turns UNREACHABLE within
 * that many probe intervals.
 */
record HealthPolicy(Duration degradedLatency, int unreachableAfter) {

  Verdict judge(Probe probe, int failuresBefore) {
    if (probe.error() != null) {
      int failures = failuresBefore + 1;
      return new Verdict(
          failures >= unreachableAfter ? HealthState.UNREACHABLE : HealthState.DEGRADED,
          failures,
          probe.error());
    }
    if (probe.latency().compareTo(degradedLatency) > 0) {
      return new Verdict(
          HealthState.DEGRADED, 0, "Slow: answered in " + probe.latency().toMillis() + " ms");
    }
    return new Verdict(HealthState.HEALTHY, 0, null);
  }

  /** What one probe found. */
  record Probe(
      Duration latency,
      @Nullable Integer queueDepth,
      @Nullable String gpuName,
      @Nullable Long vramTotalMb,
      @Nullable Long vramFreeMb,
      @Nullable String error) {}

  record Verdict(HealthState state, int consecutiveFailures, @Nullable String reason) {}
}
