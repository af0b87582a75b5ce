package io.gpufleet.persistence.servers;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * How the last probe found a server's ComfyUI, and how many probes in a row have failed.
 *
 * @param checkedAt when the last probe ran; absent before the first
 * @param failures consecutive failed probes, which decide when a server counts as unreachable
 */
@Embeddable
public record HealthReport(
    @Enumerated(EnumType.STRING) @Column(name = "health", nullable = false, length = 16)
        HealthState state,
    @Column(name = "health_latency_ms") @Nullable Integer latencyMs,
    @Column(name = "health_queue_depth") @Nullable Integer queueDepth,
    @Column(name = "health_vram_free_mb") @Nullable Long vramFreeMb,
    @Column(name = "health_error") @Nullable String error,
    @Column(name = "health_checked_at") @Nullable Instant checkedAt,
    @Column(name = "health_failures", nullable = false) int failures) {

  static final HealthReport NEVER_PROBED =
      new HealthReport(HealthState.UNKNOWN, null, null, null, null, null, 0);

  /** Its addresses changed: unknown again, no failures counted; the last figures stay on record. */
  HealthReport unknownAgain() {
    return new HealthReport(
        HealthState.UNKNOWN, latencyMs, queueDepth, vramFreeMb, error, checkedAt, 0);
  }
}
