package io.gpufleet.simulator.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The simulated server's file system: a directory holding a home, a {@code workspace} (where
 * ComfyUI is installed) and the tool shims, plus the environment commands run with.
 */
final class Sandbox {

  /** Every process of a sandbox carries this variable, so that all of them can be found. */
  static final String MARKER_VARIABLE = "GPUFLEET_SIM_DIR";

  private static final List<String> SHIMS =
      List.of(
          "apt",
          "apt-get",
          "curl",
          "dpkg",
          "dpkg-query",
          "git",
          "nvidia-smi",
          "pip",
          "pip3",
          "python",
          "python3",
          "sudo",
          "systemctl",
          "wget");
  private static final String SYSTEM_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Path dir;
  private final SshSimulatorConfig config;

  private Sandbox(Path dir, SshSimulatorConfig config) {
    this.dir = dir;
    this.config = config;
  }

  static Sandbox create(SshSimulatorConfig config) throws IOException {
    Path root = config.workRoot();
    Path dir =
        root == null
            ? Files.createTempDirectory("gpufleet-ssh-")
            : Files.createTempDirectory(Files.createDirectories(root), "gpufleet-ssh-");
    Sandbox sandbox = new Sandbox(dir.toRealPath(), config);
    sandbox.layOut();
    return sandbox;
  }

  Path dir() {
    return dir;
  }

  Path home() {
    return dir.resolve("root");
  }

  Path comfyDir() {
    return dir.resolve("workspace").resolve("ComfyUI");
  }

  private Path shims() {
    return dir.resolve(".sim").resolve("bin");
  }

  private Path library() {
    return dir.resolve(".sim").resolve("lib").resolve("sim-lib.sh");
  }

  private Path state() {
    return dir.resolve(".sim").resolve("state");
  }

  private void layOut() throws IOException {
    Files.createDirectories(home());
    Files.createDirectories(dir.resolve("workspace"));
    Files.createDirectories(state());
    Files.createDirectories(library().getParent());
    copyResource("sim-lib.sh", library());
    Files.createDirectories(shims());
    for (String shim : SHIMS) {
      Path target = shims().resolve(shim);
      copyResource(shim, target);
      Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static void copyResource(String name, Path target) throws IOException {
    try (InputStream in = Sandbox.class.getResourceAsStream("shims/" + name)) {
      if (in == null) {
        throw new IOException("shim missing from the classpath: " + name);
      }
      Files.copy(in, target);
    }
  }

  /**
   * The environment of a command: what sshd gives a login (plus the variables the client sent), the
   * shims first on {@code PATH}, and {@code COMFY_DIR} inside the sandbox so that the unchanged
   * setup script installs there.
   */
  Map<String, String> environment(Map<String, String> clientEnv, int controlPort) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LANG", "C.UTF-8");
    env.put("COMFY_DIR", comfyDir().toString());
    clientEnv.forEach(
        (name, value) -> {
          if (!name.startsWith("GPUFLEET_SIM_")) {
            env.put(name, value);
          }
        });
    env.put("HOME", home().toString());
    env.put("USER", config.username());
    env.put("LOGNAME", config.username());
    env.put("SHELL", "/bin/bash");
    env.put("PATH", shims() + ":" + SYSTEM_PATH);
    env.put(MARKER_VARIABLE, dir.toString());
    env.put("GPUFLEET_SIM_SHIMS", shims().toString());
    env.put("GPUFLEET_SIM_LIB", library().toString());
    env.put("GPUFLEET_SIM_STATE", state().toString());
    env.put("GPUFLEET_SIM_CONTROL_PORT", Integer.toString(controlPort));
    env.put("GPUFLEET_SIM_TIME_FACTOR", String.format(Locale.ROOT, "%.3f", config.timeFactor()));
    env.put(
        "GPUFLEET_SIM_PORTS",
        config.portMappings().entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(" ")));
    env.put("GPUFLEET_SIM_GPU", config.gpuName());
    env.put("GPUFLEET_SIM_GPU_MEMORY_MIB", Integer.toString(config.gpuMemoryMib()));
    return env;
  }

  void delete() {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              path -> {
                try {
                  Files.deleteIfExists(path);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
