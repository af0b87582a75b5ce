package io.gpufleet.simulator.vast;

import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where simulated containers "run". The simulator calls it when an instance's container starts,
 * stops or is destroyed; an implementation may start real services (an SSH server, a ComfyUI
 * simulator) and must say which local port serves each container port. Calls are serialized.
 */
public interface InstanceHosts {

  /**
   * The container of an instance starts (first boot, start after stop, reboot, recycle).
   *
   * @return the host port for every container port (22 and the {@code -p} ports of the env)
   */
  Map<Integer, Integer> started(Launch launch);

  /** The container stopped (stop, reboot, recycle, offline); the ports may be released. */
  void stopped(long instanceId);

  /** The instance is gone for good. */
  void destroyed(long instanceId);

  /** A public key was attached to the instance. */
  default void sshKeyAttached(long instanceId, String publicKey) {}

  /** Allocates free local ports; nothing listens on them. */
  static InstanceHosts freeLocalPorts() {
    return new FreeLocalPorts();
  }

  /** What the container is started with. */
  record Launch(
      long instanceId,
      String label,
      String image,
      @Nullable String onstart,
      Map<String, String> env,
      Set<Integer> containerPorts) {
    public Launch {
      env = Map.copyOf(env);
      containerPorts = Set.copyOf(containerPorts);
    }
  }
}
