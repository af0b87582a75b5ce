package io.gpufleet.persistence.servers;

/** How the last probes found the server's ComfyUI. Routing uses only HEALTHY servers. */
public enum HealthState {
  UNKNOWN,
  HEALTHY,
  DEGRADED,
  UNREACHABLE
}
