package io.gpufleet.scheduler.providers;

import org.jspecify.annotations.Nullable;

/**
 * A machine as its provider sees it now.
 *
 * @param phase where the machine is
 * @param message the provider's own words (Vast's status_msg), for the admin
 * @param endpoints how to reach it; present only while it runs
 */
public record MachineState(Phase phase, @Nullable String message, @Nullable Endpoints endpoints) {

  public enum Phase {
    /** Being created or loaded; will run by itself. */
    LOADING,
    RUNNING,
    STOPPED,
    /** Asked to run but cannot: Vast's "scheduling", when the GPU was taken while stopped. */
    WAITING_FOR_GPU,
    /** Will never run by itself (exited, offline, failed to start). */
    FAILED,
    /** The provider no longer knows the machine. */
    GONE
  }

  /** How to reach a running machine; {@code ollamaUrl} only for an Ollama server. */
  public record Endpoints(
      @Nullable String publicIp,
      @Nullable String comfyUrl,
      @Nullable String sshHost,
      @Nullable Integer sshPort,
      @Nullable String ollamaUrl) {

    public Endpoints(
        @Nullable String publicIp,
        @Nullable String comfyUrl,
        @Nullable String sshHost,
        @Nullable Integer sshPort) {
      this(publicIp, comfyUrl, sshHost, sshPort, null);
    }
  }

  public static MachineState of(Phase phase, @Nullable String message) {
    return new MachineState(phase, message, null);
  }
}
