package io.gpufleet.simulator.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A simulated server's SSH endpoint: public-key logins on loopback, exec requests run as real
 * processes in a sandbox whose {@code PATH} starts with shims for the tools a setup script calls
 * (apt-get, git, python, pip, curl, wget, nvidia-smi, ...). When a script starts ComfyUI's {@code
 * main.py}, {@link ServiceHooks#comfyStarted} fires so that a ComfyUI simulator can take its place.
 *
 * <p>Commands see {@code HOME} at {@code <sandbox>/root} and {@code COMFY_DIR} at {@link
 * #comfyDir()}, so the default setup script runs unchanged and installs inside the sandbox.
 */
public final class SshSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SshSimulator.class);
  private static final Duration KILL_GRACE = Duration.ofSeconds(2);

  private final SshSimulatorConfig config;
  private final Sandbox sandbox;
  private final ControlServer control;
  private final SshServer server;
  private final CopyOnWriteArrayList<PublicKey> authorizedKeys;
  private final Set<SandboxCommand> commands = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private SshSimulator(SshSimulatorConfig config, Sandbox sandbox, ControlServer control) {
    this.config = config;
    this.sandbox = sandbox;
    this.control = control;
    this.authorizedKeys = new CopyOnWriteArrayList<>(config.authorizedKeys());
    this.server = SshServer.setUpDefaultServer();
    server.setHost(config.host());
    server.setPort(config.port());
    server.setKeyPairProvider(KeyPairProvider.wrap(hostKey()));
    server.setPasswordAuthenticator(null);
    server.setKeyboardInteractiveAuthenticator(null);
    server.setHostBasedAuthenticator(null);
    server.setPublickeyAuthenticator(
        (username, key, session) -> username.equals(config.username()) && isAuthorized(key));
    server.setCommandFactory(
        (channel, command) -> {
          SandboxCommand sandboxCommand =
              new SandboxCommand(command, sandbox, control.port(), commands::remove);
          commands.add(sandboxCommand);
          return sandboxCommand;
        });
  }

  /** Starts an endpoint with a fresh sandbox. */
  /**
   * The environment variable every process of a sandbox carries, set to its sandbox directory: a
   * process of a work root's sandboxes can be told by it even after it left its session.
   */
  public static final String PROCESS_MARKER = Sandbox.MARKER_VARIABLE;

  /**
   * Ends every process of any sandbox under {@code workRoot}, such as those a platform that was
   * killed left running; answers how many there were.
   */
  public static int terminateSandboxesUnder(Path workRoot) {
    return ProcessTrees.terminateMarkedUnder(Sandbox.MARKER_VARIABLE, workRoot, KILL_GRACE);
  }

  public static SshSimulator start(SshSimulatorConfig config) throws IOException {
    Sandbox sandbox = Sandbox.create(config);
    ControlServer control = null;
    try {
      control = new ControlServer(config);
      SshSimulator simulator = new SshSimulator(config, sandbox, control);
      simulator.server.start();
      log.info(
          "SSH simulator on {}:{}, sandbox {}", simulator.host(), simulator.port(), sandbox.dir());
      return simulator;
    } catch (IOException | RuntimeException e) {
      if (control != null) {
        control.close();
      }
      sandbox.delete();
      throw e;
    }
  }

  public String host() {
    return config.host();
  }

  public int port() {
    return server.getPort();
  }

  public String username() {
    return config.username();
  }

  /** Accepts logins with this key from now on, as when Vast.ai attaches a key to an instance. */
  public void authorizeKey(PublicKey key) {
    if (!isAuthorized(key)) {
      authorizedKeys.add(key);
    }
  }

  /** Refuses logins with this key from now on; sessions already open stay open. */
  public void revokeKey(PublicKey key) {
    authorizedKeys.removeIf(k -> KeyUtils.compareKeys(k, key));
  }

  private boolean isAuthorized(PublicKey key) {
    return authorizedKeys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
  }

  /** The root of the simulated server's file system. */
  public Path sandboxDir() {
    return sandbox.dir();
  }

  /** Where the default setup script installs ComfyUI in this sandbox ({@code COMFY_DIR}). */
  public Path comfyDir() {
    return sandbox.comfyDir();
  }

  /**
   * Stops the server, kills every process of the sandbox (services started with {@code setsid}
   * included), tells the hooks that ComfyUI stopped, and deletes the sandbox.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      server.stop(true);
    } catch (IOException e) {
      log.warn("SSH simulator did not stop cleanly", e);
    }
    commands.forEach(SandboxCommand::kill);
    ProcessTrees.terminateMarked(Sandbox.MARKER_VARIABLE, sandbox.dir().toString(), KILL_GRACE);
    try {
      control.close();
    } catch (IOException e) {
      log.warn("SSH simulator control socket did not close cleanly", e);
    }
    try {
      sandbox.delete();
    } catch (UncheckedIOException e) {
      log.warn("SSH simulator sandbox {} not fully deleted", sandbox.dir(), e);
    }
  }

  private static KeyPair hostKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an SSH host key", e);
    }
  }
}
