package io.gpufleet.scheduler.providers;

import io.gpufleet.persistence.servers.Server;
import java.util.List;
import java.util.Map;

/**
 * Where servers come from. The lifecycle talks only to this, so a new cloud needs a new
 * implementation and nothing else. Implementations are idempotent where the cloud allows it, and
 * throw {@link ProviderException} with a clear message when it refuses.
 */
public interface ServerProvider {

  /** The name stored with each server, e.g. {@code vast} or {@code static}. */
  String name();

  /** Which of start, stop and rent this provider can do for this server. */
  Capabilities capabilities(Server server);

  /**
   * Rents (or attaches) a machine for the server's spec, or its chosen offer. Never retried blindly
   * by the caller: a provider that cannot tell whether it rented must find out by the server's
   * label.
   */
  Rental provision(Server server);

  void start(Server server);

  void stop(Server server);

  /** Releases the machine. A machine that is already gone counts as destroyed. */
  void destroy(Server server);

  /** What the machine is doing now, as the provider reports it. */
  MachineState describe(Server server);

  /**
   * The machines of many servers in one call, by instance id, for the reconciler's tick — one list
   * instead of one call per server keeps polling inside the provider's rate limits. A machine
   * absent from the answer is unknown (not gone): it is then described alone.
   */
  default Map<String, MachineState> describeAll(List<Server> servers) {
    return Map.of();
  }

  /** Called once the machine runs: install the platform's public key for setup runs. */
  default void authorize(Server server, String openSshPublicKey) {}

  /** Machines on the account that carry our label prefix, for orphan reports. */
  default List<ProviderMachine> labelledMachines(String labelPrefix) {
    return List.of();
  }

  /** What a provider supports. */
  record Capabilities(boolean rents, boolean startsAndStops) {}

  /** One machine on the provider's account. */
  record ProviderMachine(String instanceId, String label, String state) {}
}
