package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.setup.ExecutionKind;
import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.persistence.setup.ServerExecutionRepository;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Carries out one run on a run thread: the script over SSH (no transaction is held meanwhile),
 * then, after a setup that exited 0, a check that ComfyUI answers before the server counts as set
 * up.
 */
@Component
class RunWorker {

  private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

  private final ServerRepository servers;
  private final ServerExecutionRepository executions;
  private final SshScriptRunner runner;
  private final PlatformKeyStore keys;
  private final ComfyClients comfy;
  private final HealthProber prober;
  private final RunSupervisor supervisor;
  private final SetupSettings settings;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final OutboundPolicies outbound;

  RunWorker(
      ServerRepository servers,
      ServerExecutionRepository executions,
      SshScriptRunner runner,
      PlatformKeyStore keys,
      ComfyClients comfy,
      HealthProber prober,
      RunSupervisor supervisor,
      SetupSettings settings,
      Clock clock,
      PlatformTransactionManager transactions,
      OutboundPolicies outbound) {
    this.outbound = outbound;
    this.servers = servers;
    this.executions = executions;
    this.runner = runner;
    this.keys = keys;
    this.comfy = comfy;
    this.prober = prober;
    this.supervisor = supervisor;
    this.settings = settings;
    this.clock = clock;
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
  }

  /** How a run ended. */
  record Outcome(ExecutionStatus status, @Nullable Integer exitCode, @Nullable String error) {
    static Outcome failed(@Nullable Integer exitCode, String error) {
      return new Outcome(ExecutionStatus.FAILED, exitCode, error);
    }

    static final Outcome CANCELLED = new Outcome(ExecutionStatus.CANCELLED, null, null);
  }

  /** Carries the run out; returns whether it SUCCEEDED and its row says so. */
  boolean execute(ActiveRun run) {
    if (executions.markRunning(run.executionId, now(), ExecutionStatus.RUNNING) == 0) {
      return false; // cancelled (or failed by shutdown) while it waited
    }
    Outcome outcome;
    try {
      outcome = runScript(run);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancel();
      outcome = Outcome.failed(null, RunSupervisor.SHUTDOWN);
    } catch (RuntimeException e) {
      log.warn("Setup run {} failed: {}", run.executionId, e.toString());
      outcome = Outcome.failed(null, String.valueOf(e.getMessage()));
    }
    try {
      supervisor.flush(run);
    } catch (RuntimeException e) {
      log.warn("Could not store the last output of setup run {}", run.executionId);
    }
    if (outcome.status() == ExecutionStatus.SUCCEEDED) {
      return succeed(run);
    }
    supervisor.finish(run, outcome.status(), outcome.exitCode(), outcome.error());
    return false;
  }

  private Outcome runScript(ActiveRun run) throws InterruptedException {
    Server server = servers.findById(run.serverId).orElse(null);
    String address = server == null ? null : server.getAddresses().sshHost();
    Integer port = server == null ? null : server.getAddresses().sshPort();
    if (server == null || address == null || port == null) {
      return Outcome.failed(null, "The server has no SSH endpoint any more");
    }
    String user =
        server.getAccess().sshUser() == null
            ? settings.defaultUser()
            : server.getAccess().sshUser();
    String host;
    try {
      host = outbound.sshHost(server, address, port);
    } catch (UrlNotAllowedException e) {
      return Outcome.failed(null, "The server's SSH host is not allowed: " + e.getMessage());
    }
    SshTarget target = new SshTarget(host, port, user, keys.keyPair());
    log.info("Setup run {} ({}) starts on {}", run.executionId, run.kind, target);
    ScriptRun ssh =
        runner.start(
            target,
            run.script,
            Map.of("COMFY_PORT", Integer.toString(settings.comfyPort())),
            supervisor.listenerFor(run));
    run.attach(ssh);
    ScriptResult result;
    try {
      result = ssh.await();
    } catch (SshRunException e) {
      return run.isCancelled() ? Outcome.CANCELLED : Outcome.failed(null, e.getMessage());
    }
    switch (result.outcome()) {
      case CANCELLED:
        return Outcome.CANCELLED;
      case TIMED_OUT:
        return Outcome.failed(
            null, "The script ran longer than " + settings.maxRunDuration() + " and was ended");
      case DISCONNECTED:
        return run.isCancelled()
            ? Outcome.CANCELLED
            : Outcome.failed(null, "The connection ended before the script did");
      case EXITED:
      default:
        break;
    }
    int exitCode = Objects.requireNonNull(result.exitCode());
    if (exitCode != 0) {
      String last = run.buffer.lastLines();
      return Outcome.failed(
          exitCode, "The script exited with " + exitCode + (last.isEmpty() ? "" : ":\n" + last));
    }
    if (run.kind == ExecutionKind.SETUP) {
      return awaitComfy(run);
    }
    return new Outcome(ExecutionStatus.SUCCEEDED, 0, null);
  }

  /** A setup is only done when ComfyUI answers; it may take a moment to come up. */
  private Outcome awaitComfy(ActiveRun run) throws InterruptedException {
    String lastError = "the server has no ComfyUI URL";
    for (int attempt = 1; attempt <= settings.comfyReadyAttempts(); attempt++) {
      if (run.isCancelled()) {
        return Outcome.CANCELLED;
      }
      Server server = servers.findById(run.serverId).orElse(null);
      if (server != null && server.getAddresses().comfyUrl() != null) {
        try {
          comfy.forServer(server).systemStats();
          return new Outcome(ExecutionStatus.SUCCEEDED, 0, null);
        } catch (RuntimeException e) {
          lastError = String.valueOf(e.getMessage());
        }
      }
      if (attempt < settings.comfyReadyAttempts()) {
        Thread.sleep(settings.comfyReadyInterval().toMillis());
      }
    }
    return Outcome.failed(0, "The script succeeded but ComfyUI does not answer: " + lastError);
  }

  private boolean succeed(ActiveRun run) {
    boolean ended =
        Boolean.TRUE.equals(
            ownTransaction.execute(
                status -> {
                  int rows =
                      executions.finish(
                          run.executionId,
                          ExecutionStatus.SUCCEEDED,
                          0,
                          null,
                          now(),
                          ExecutionStatus.ACTIVE);
                  if (rows == 0) {
                    return false;
                  }
                  // under the row lock, as the reconciler changes servers, so no version clash
                  servers
                      .lockById(run.serverId)
                      .ifPresent(s -> s.markSetUp(run.kind == ExecutionKind.SETUP, now()));
                  return true;
                }));
    if (!ended) {
      return false;
    }
    log.info("Setup run {} ({}) succeeded", run.executionId, run.kind);
    if (run.kind == ExecutionKind.SETUP) {
      // probed before the end is told, so that a watcher sees the server's fresh health with it
      try {
        prober.probe(run.serverId);
      } catch (RuntimeException e) {
        log.warn("Could not probe server {} after its setup: {}", run.serverId, e.getMessage());
      }
    }
    supervisor.finished(run.executionId, run.serverId, ExecutionStatus.SUCCEEDED);
    return true;
  }

  private Instant now() {
    return Instant.now(clock);
  }
}
