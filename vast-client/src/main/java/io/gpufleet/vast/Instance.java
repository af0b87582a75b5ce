package io.gpufleet.vast;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One rented instance as Vast reports it.
 *
 * @param actualStatus the container state; {@link InstanceStatus#RUNNING} means usable
 * @param intendedStatus what was last asked for (running, stopped)
 * @param curState the GPU contract state (running, stopped, unloaded)
 * @param publicIp trimmed; absent until the host is known
 * @param ports container port ("8188/tcp") to host ports; only filled while running
 * @param dphTotal price in $/h
 * @param startDate when the contract started
 */
public record Instance(
    long id,
    @Nullable Long machineId,
    InstanceStatus actualStatus,
    InstanceStatus intendedStatus,
    InstanceStatus curState,
    InstanceStatus nextState,
    @Nullable String statusMessage,
    @Nullable String publicIp,
    Map<String, List<Integer>> ports,
    @Nullable String sshHost,
    @Nullable Integer sshPort,
    @Nullable String gpuName,
    int numGpus,
    double dphTotal,
    @Nullable String label,
    @Nullable String image,
    @Nullable Instant startDate) {

  public Instance {
    ports = Map.copyOf(ports);
  }

  /** The public port that reaches {@code containerPort}/tcp, if Vast mapped one. */
  public OptionalInt hostPort(int containerPort) {
    List<Integer> hostPorts = ports.get(containerPort + "/tcp");
    return hostPorts == null || hostPorts.isEmpty()
        ? OptionalInt.empty()
        : OptionalInt.of(hostPorts.get(0));
  }

  /** Usable: the container runs and was meant to. */
  public boolean running() {
    return actualStatus == InstanceStatus.RUNNING && intendedStatus == InstanceStatus.RUNNING;
  }

  /**
   * Start was asked for but the container does not run: on Vast this is usually "scheduling", the
   * GPU having been taken by someone else while the instance was stopped.
   */
  public boolean waitingForGpu() {
    return intendedStatus == InstanceStatus.RUNNING
        && (actualStatus == InstanceStatus.STOPPED || actualStatus == InstanceStatus.EXITED);
  }
}
