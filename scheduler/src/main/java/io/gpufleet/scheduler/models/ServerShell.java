package io.gpufleet.scheduler.models;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import io.gpufleet.scheduler.setup.PlatformKeyStore;
import io.gpufleet.scheduler.setup.ScriptOutputListener;
import io.gpufleet.scheduler.setup.ScriptResult;
import io.gpufleet.scheduler.setup.ScriptRun;
import io.gpufleet.scheduler.setup.SetupSettings;
import io.gpufleet.scheduler.setup.SshScriptRunner;
import io.gpufleet.scheduler.setup.SshTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** Runs the models feature's small scripts on a server, as setup runs do (platform key, SSH). */
@Component
class ServerShell {

  private final SshScriptRunner runner;
  private final PlatformKeyStore keys;
  private final SetupSettings setup;
  private final OutboundPolicies outbound;

  ServerShell(
      SshScriptRunner runner,
      PlatformKeyStore keys,
      SetupSettings setup,
      OutboundPolicies outbound) {
    this.outbound = outbound;
    this.runner = runner;
    this.keys = keys;
    this.setup = setup;
  }

  static boolean reachable(Server server) {
    return server.getStatus() == ServerStatus.RUNNING
        && server.getAddresses().sshHost() != null
        && server.getAddresses().sshPort() != null;
  }

  SshTarget target(Server server) {
    String host = server.getAddresses().sshHost();
    Integer port = server.getAddresses().sshPort();
    if (host == null || port == null) {
      throw new ModelDownloadException(
          ModelDownloadException.Kind.SERVER_NOT_RUNNING,
          "Server " + server.getName() + " has no SSH endpoint");
    }
    String user =
        server.getAccess().sshUser() == null ? setup.defaultUser() : server.getAccess().sshUser();
    String pinned;
    try {
      pinned = outbound.sshHost(server, host, port);
    } catch (UrlNotAllowedException e) {
      throw new ModelDownloadException(
          ModelDownloadException.Kind.SERVER_NOT_RUNNING,
          "The SSH host of " + server.getName() + " is not allowed: " + e.getMessage());
    }
    return new SshTarget(pinned, port, user, keys.keyPair());
  }

  ScriptRun start(Server server, String script, Map<String, String> env, ScriptOutputListener out) {
    return runner.start(target(server), script, env, out);
  }

  /** Runs a short script and returns its standard output lines; fails unless it exits 0. */
  List<String> run(Server server, String script, Map<String, String> env)
      throws InterruptedException {
    List<String> lines = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    ScriptResult result =
        start(
                server,
                script,
                env,
                (stream, line) -> {
                  synchronized (lines) {
                    (stream == ScriptOutputListener.Stream.STDOUT ? lines : errors).add(line);
                  }
                })
            .await();
    if (!result.succeeded()) {
      throw new IllegalStateException(
          "a script on "
              + server.getName()
              + " ended "
              + result
              + ": "
              + String.join("\n", errors));
    }
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }
}
