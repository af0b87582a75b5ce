package io.gpufleet.simulator.ssh;

/**
 * What the sandbox tells the rest of the simulated server. Called from the simulator's own threads;
 * implementations must be thread-safe and return promptly.
 */
public interface ServiceHooks {

  /** Hooks that do nothing: nothing will answer on ComfyUI's port. */
  ServiceHooks NONE = new ServiceHooks() {};

  /**
   * A setup script started ComfyUI's {@code main.py}; it should now be served on {@code port} (the
   * host port the container port is mapped to). Throwing makes the launch fail like a failed bind,
   * and the service's supervisor will retry.
   */
  default void comfyStarted(int port) {}

  /** The ComfyUI process that was started stopped (killed, crashed, or the sandbox closed). */
  default void comfyStopped() {}
}
