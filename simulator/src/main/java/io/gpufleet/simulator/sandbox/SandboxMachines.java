package io.gpufleet.simulator.sandbox;

import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ssh.ServiceHooks;
import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import io.gpufleet.simulator.vast.InstanceHosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the sandbox's instances run. A started container gets an SSH endpoint (whose shims run the
 * real setup script) on the port mapped to 22; when the script starts ComfyUI, a ComfyUI simulator
 * comes up on the port mapped to 8188. A stopped container loses both, as a real one loses its
 * processes; keys attached through the Vast.ai API stay with the instance.
 */
final class SandboxMachines implements InstanceHosts {

  private static final Logger log = LoggerFactory.getLogger(SandboxMachines.class);
  static final int COMFY_PORT = 8188;

  private final SandboxConfig config;
  private final Map<Long, Machine> machines = new ConcurrentHashMap<>();
  private final Map<Long, List<PublicKey>> keys = new ConcurrentHashMap<>();

  SandboxMachines(SandboxConfig config) {
    this.config = config;
  }

  @Override
  public Map<Integer, Integer> started(Launch launch) {
    stopped(launch.instanceId());
    Map<Integer, Integer> ports = new HashMap<>();
    for (int containerPort : launch.containerPorts()) {
      ports.put(containerPort, freePort());
    }
    ports.putIfAbsent(22, freePort());
    ports.putIfAbsent(COMFY_PORT, freePort());
    Machine machine = new Machine(launch.instanceId());
    machine.ports = Set.copyOf(ports.values());
    SshSimulatorConfig.Builder ssh =
        SshSimulatorConfig.builder()
            .port(ports.get(22))
            .timeFactor(config.toolTimeFactor())
            .mapPort(COMFY_PORT, ports.get(COMFY_PORT))
            .hooks(machine)
            .gpu(config.gpuName(), config.gpuMemoryMib());
    if (config.workRoot() != null) {
      ssh.workRoot(config.workRoot());
    }
    keys.getOrDefault(launch.instanceId(), List.of()).forEach(ssh::authorizedKey);
    try {
      machine.ssh = SshSimulator.start(ssh.build());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not start the SSH endpoint of a sandbox instance", e);
    }
    machines.put(launch.instanceId(), machine);
    log.info(
        "Sandbox instance {} runs: SSH on {}, ComfyUI (once set up) on {}",
        launch.instanceId(),
        ports.get(22),
        ports.get(COMFY_PORT));
    return ports;
  }

  @Override
  public void stopped(long instanceId) {
    Machine machine = machines.remove(instanceId);
    if (machine != null) {
      machine.close();
    }
  }

  @Override
  public void destroyed(long instanceId) {
    stopped(instanceId);
    keys.remove(instanceId);
  }

  @Override
  public void sshKeyAttached(long instanceId, String publicKey) {
    PublicKey key = parse(publicKey);
    keys.computeIfAbsent(instanceId, id -> new ArrayList<>()).add(key);
    Machine machine = machines.get(instanceId);
    if (machine != null && machine.ssh != null) {
      machine.ssh.authorizeKey(key);
    }
  }

  /** The ComfyUI simulator of an instance, while its setup-started service runs. */
  Optional<ComfySimulator> comfyOf(long instanceId) {
    Machine machine = machines.get(instanceId);
    return machine == null ? Optional.empty() : Optional.ofNullable(machine.comfy);
  }

  /** Whether a running instance has a simulator on this loopback port. */
  boolean serves(int port) {
    for (Machine machine : machines.values()) {
      if (machine.ports.contains(port)) {
        return true;
      }
    }
    return false;
  }

  void closeAll() {
    machines.keySet().forEach(this::stopped);
  }

  private static PublicKey parse(String openSsh) {
    try {
      return AuthorizedKeyEntry.parseAuthorizedKeyEntry(openSsh.trim())
          .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException("Not an OpenSSH public key", e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One running container: its SSH endpoint and, while the service runs, its ComfyUI. */
  private final class Machine implements ServiceHooks {
    private final long instanceId;
    private volatile @Nullable SshSimulator ssh;
    private volatile Set<Integer> ports = Set.of();
    private volatile @Nullable ComfySimulator comfy;

    Machine(long instanceId) {
      this.instanceId = instanceId;
    }

    @Override
    public synchronized void comfyStarted(int port) {
      comfyStopped();
      ComfySimulatorConfig comfyConfig =
          ComfySimulatorConfig.defaults()
              .withPort(port)
              .withGpu(config.gpuName(), config.gpuMemoryMib() * 1024L * 1024L)
              .withStepsPerSecond(config.stepsPerSecond());
      comfy = ComfySimulator.start(comfyConfig);
      SshSimulator endpoint = ssh;
      if (endpoint != null) {
        // files downloaded into the container's models/ are ComfyUI's models
        comfy.watchModelsDir(endpoint.comfyDir().resolve("models"));
      }
      log.info("Sandbox instance {}: ComfyUI is up on port {}", instanceId, port);
    }

    @Override
    public synchronized void comfyStopped() {
      ComfySimulator running = comfy;
      comfy = null;
      if (running != null) {
        running.close();
      }
    }

    void close() {
      comfyStopped();
      SshSimulator endpoint = ssh;
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }
}
