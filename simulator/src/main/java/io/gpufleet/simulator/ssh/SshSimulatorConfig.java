package io.gpufleet.simulator.ssh;

import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one simulated SSH endpoint.
 *
 * @param host the loopback address to bind
 * @param port the port to bind, 0 for any free one
 * @param username the only user that may log in (Vast.ai instances: {@code root})
 * @param authorizedKeys keys accepted from the start; more can be added at run time
 * @param timeFactor how long the shimmed tools take compared with the real ones (0: instantly)
 * @param portMappings container port to host port, like the instance's port mappings
 * @param hooks told when the sandbox starts and stops ComfyUI
 * @param workRoot where to create the sandbox directory, or null for the temp directory
 * @param gpuName what nvidia-smi and ComfyUI report
 * @param gpuMemoryMib the GPU's memory as nvidia-smi reports it
 */
public record SshSimulatorConfig(
    String host,
    int port,
    String username,
    List<PublicKey> authorizedKeys,
    double timeFactor,
    Map<Integer, Integer> portMappings,
    ServiceHooks hooks,
    @Nullable Path workRoot,
    String gpuName,
    int gpuMemoryMib) {

  public SshSimulatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(hooks, "hooks");
    Objects.requireNonNull(gpuName, "gpuName");
    authorizedKeys = List.copyOf(authorizedKeys);
    portMappings = Map.copyOf(portMappings);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (timeFactor < 0 || Double.isNaN(timeFactor)) {
      throw new IllegalArgumentException("timeFactor must be >= 0: " + timeFactor);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The host port a container port is reachable on (itself when it is not mapped). */
  public int hostPort(int containerPort) {
    return portMappings.getOrDefault(containerPort, containerPort);
  }

  /** Builds a {@link SshSimulatorConfig}; defaults: 127.0.0.1, any port, root, instant tools. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String username = "root";
    private final List<PublicKey> authorizedKeys = new ArrayList<>();
    private double timeFactor;
    private final Map<Integer, Integer> portMappings = new LinkedHashMap<>();
    private ServiceHooks hooks = ServiceHooks.NONE;
    private @Nullable Path workRoot;
    private String gpuName = "NVIDIA GeForce RTX 4090";
    private int gpuMemoryMib = 24564;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder username(String username) {
      this.username = username;
      return this;
    }

    public Builder authorizedKey(PublicKey key) {
      authorizedKeys.add(key);
      return this;
    }

    public Builder timeFactor(double timeFactor) {
      this.timeFactor = timeFactor;
      return this;
    }

    public Builder mapPort(int containerPort, int hostPort) {
      portMappings.put(containerPort, hostPort);
      return this;
    }

    public Builder hooks(ServiceHooks hooks) {
      this.hooks = hooks;
      return this;
    }

    public Builder workRoot(Path workRoot) {
      this.workRoot = workRoot;
      return this;
    }

    public Builder gpu(String name, int memoryMib) {
      this.gpuName = name;
      this.gpuMemoryMib = memoryMib;
      return this;
    }

    public SshSimulatorConfig build() {
      return new SshSimulatorConfig(
          host,
          port,
          username,
          authorizedKeys,
          timeFactor,
          portMappings,
          hooks,
          workRoot,
          gpuName,
          gpuMemoryMib);
    }
  }
}
