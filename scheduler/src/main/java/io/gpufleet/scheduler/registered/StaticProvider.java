package io.gpufleet.scheduler.registered;

import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import io.gpufleet.scheduler.providers.MachineState;
import io.gpufleet.scheduler.providers.MachineState.Endpoints;
import io.gpufleet.scheduler.providers.MachineState.Phase;
import io.gpufleet.scheduler.providers.ProviderException;
import io.gpufleet.scheduler.providers.ProviderException.Reason;
import io.gpufleet.scheduler.providers.Rental;
import io.gpufleet.scheduler.providers.ServerProvider;
import io.gpufleet.scheduler.setup.PlatformKeyStore;
import io.gpufleet.scheduler.setup.ScriptResult;
import io.gpufleet.scheduler.setup.SshRunException;
import io.gpufleet.scheduler.setup.SshScriptRunner;
import io.gpufleet.scheduler.setup.SshTarget;
import java.util.ArrayDeque;
import java.util.Deque;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/**
 * A server that exists already — a box under a desk, a ComfyUI on another cloud — registered by its
 * ComfyUI URL. Nothing is rented or destroyed; start and stop exist only where the admin gave an
 * SSH endpoint and the commands to run there. Health probes decide whether it takes work.
 */
@Component
public class StaticProvider implements ServerProvider {

  public static final String NAME = OutboundPolicies.REGISTERED;

  private final SshScriptRunner ssh;
  private final PlatformKeyStore keys;
  private final OutboundPolicies outbound;

  StaticProvider(SshScriptRunner ssh, PlatformKeyStore keys, OutboundPolicies outbound) {
    this.ssh = ssh;
    this.keys = keys;
    this.outbound = outbound;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Capabilities capabilities(Server server) {
    return new Capabilities(false, canPower(server));
  }

  /** There is nothing to rent: the machine is the URL the admin gave. */
  @Override
  public Rental provision(Server server) {
    return new Rental("static:" + server.getId(), 0L, server.getLease().pricePerHour(), null);
  }

  @Override
  public void start(Server server) {
    run(server, server.getAccess().startCommand(), "start");
  }

  @Override
  public void stop(Server server) {
    run(server, server.getAccess().stopCommand(), "stop");
  }

  /** Forgetting it is all: the box is the admin's. */
  @Override
  public void destroy(Server server) {}

  /**
   * As the platform last left it: the platform cannot see a registered box's power state, only
   * whether its ComfyUI answers — which the health probes tell. The box is stopped once its stop
   * command ran (the server is STOPPING or STOPPED), not as soon as a stop is wanted: a box that
   * drains its work first still runs, and taken for stopped it was "started again" by its start
   * command in the middle of its drain.
   */
  @Override
  public MachineState describe(Server server) {
    if (server.getStatus() == ServerStatus.STOPPING || server.getStatus() == ServerStatus.STOPPED) {
      return MachineState.of(Phase.STOPPED, "Stopped by its stop command");
    }
    Addresses at = server.getAddresses();
    return new MachineState(
        Phase.RUNNING,
        null,
        new Endpoints(null, at.comfyUrl(), at.sshHost(), at.sshPort(), at.ollamaUrl()));
  }

  private static boolean canPower(Server server) {
    return server.getAddresses().sshHost() != null
        && server.getAccess().startCommand() != null
        && server.getAccess().stopCommand() != null;
  }

  private void run(Server server, @Nullable String command, String what) {
    if (!canPower(server) || command == null) {
      throw new ProviderException(
          Reason.UNSUPPORTED,
          "Server "
              + server.getName()
              + " is registered by URL without an SSH endpoint and start/stop commands; the"
              + " platform cannot "
              + what
              + " it",
          false);
    }
    Deque<String> tail = new ArrayDeque<>();
    int port = server.getAddresses().sshPort() == null ? 22 : server.getAddresses().sshPort();
    String host;
    try {
      // the admin's host, checked and pinned: it cannot be rebound to a metadata address later
      host = outbound.sshHost(server, server.getAddresses().sshHost(), port);
    } catch (UrlNotAllowedException e) {
      throw new ProviderException(
          Reason.API_ERROR,
          "The SSH host of " + server.getName() + " is not allowed: " + e.getMessage(),
          e.retryable());
    }
    SshTarget target =
        new SshTarget(
            host,
            port,
            server.getAccess().sshUser() == null ? "root" : server.getAccess().sshUser(),
            keys.keyPair());
    try {
      ScriptResult result =
          ssh.run(
              target,
              command,
              (stream, line) -> {
                tail.addLast(line);
                if (tail.size() > 5) {
                  tail.removeFirst();
                }
              });
      if (!result.succeeded()) {
        throw new ProviderException(
            Reason.API_ERROR,
            "The "
                + what
                + " command of "
                + server.getName()
                + " failed ("
                + result
                + "): "
                + String.join(" | ", tail),
            false);
      }
    } catch (SshRunException e) {
      throw new ProviderException(
          Reason.UNREACHABLE,
          "Could not run the " + what + " command of " + server.getName() + ": " + e.getMessage(),
          e.retryable(),
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException(Reason.UNREACHABLE, "Interrupted", true, e);
    }
  }
}
