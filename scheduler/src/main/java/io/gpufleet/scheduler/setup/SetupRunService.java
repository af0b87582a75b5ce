package io.gpufleet.scheduler.setup;

import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.persistence.setup.ExecutionKind;
import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.ServerExecution;
import io.gpufleet.persistence.setup.ServerExecutionRepository;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Starts, cancels and reads setup runs ({@link ServerExecution}s) of servers. A run is queued on
 * this replica's bounded run executor and carried out by {@link RunWorker}; its output is appended
 * to its row as it comes and told as {@link ExecutionEvents}.
 *
 * <p>A reset is two runs: the RESET run of the builtin reset script, and when it succeeds, a SETUP
 * run of the server's setup script, started by itself. {@link #startReset} returns the first.
 */
@Service
public class SetupRunService {

  private static final Logger log = LoggerFactory.getLogger(SetupRunService.class);

  private final ServerRepository servers;
  private final ServerExecutionRepository executions;
  private final SetupScriptService scripts;
  private final ActiveRuns active;
  private final RunWorker worker;
  private final RunSupervisor supervisor;
  private final SetupSettings settings;
  private final Clock clock;
  private final TransactionTemplate ownTransaction;
  private final ExecutorService executor;

  SetupRunService(
      ServerRepository servers,
      ServerExecutionRepository executions,
      SetupScriptService scripts,
      ActiveRuns active,
      RunWorker worker,
      RunSupervisor supervisor,
      SetupSettings settings,
      Clock clock,
      PlatformTransactionManager transactions) {
    this.servers = servers;
    this.executions = executions;
    this.scripts = scripts;
    this.active = active;
    this.worker = worker;
    this.supervisor = supervisor;
    this.settings = settings;
    this.clock = clock;
    // never joins a caller's transaction (nor one that has committed, for after-commit listeners)
    this.ownTransaction = new TransactionTemplate(transactions);
    ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            settings.maxConcurrentRuns(),
            settings.maxConcurrentRuns(),
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread thread = new Thread(task, "setup-run-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
  }

  /**
   * Runs the server's setup script (or the builtin install script) on it.
   *
   * @throws ServerNotFoundException if there is no such server
   * @throws SetupConflictException {@code SERVER_NOT_RUNNING}, {@code SERVER_NO_SSH} or {@code
   *     SETUP_ALREADY_RUNNING}
   * @throws SetupNotFoundException if the server's setup script is gone
   */
  public ServerExecution startSetup(UUID serverId) {
    Server server = server(serverId);
    return start(server, scripts.forSetupOf(server), ExecutionKind.SETUP);
  }

  /**
   * Runs another setup script on the server, this once; the server keeps its own for later runs.
   *
   * @throws SetupNotFoundException if there is no such script
   * @throws SetupConflictException {@code SETUP_SCRIPT_WRONG_KIND}, or as {@link #startSetup}
   */
  public ServerExecution startSetup(UUID serverId, UUID scriptId) {
    Server server = server(serverId);
    SetupScript script = scripts.get(scriptId);
    if (script.getKind() != ScriptKind.INSTALL) {
      throw new SetupConflictException(
          SetupConflictException.SCRIPT_WRONG_KIND,
          "Script " + script.getName() + " is a " + script.getKind() + " script, not a setup one");
    }
    return start(server, script, ExecutionKind.SETUP);
  }

  /**
   * Runs the builtin reset script, then, when it succeeded, the server's setup script as a second
   * run. Returns the reset run.
   *
   * @throws ServerNotFoundException if there is no such server
   * @throws SetupConflictException as {@link #startSetup}
   */
  public ServerExecution startReset(UUID serverId) {
    Server server = server(serverId);
    scripts.forSetupOf(server); // refuse now, not after the reset, if the setup cannot follow
    return start(server, scripts.builtin(ScriptKind.RESET), ExecutionKind.RESET);
  }

  /**
   * Cancels a run: a queued one at once, a running one by ending its SSH session (this waits a few
   * seconds for the run to record its end). No effect on a run that has ended.
   *
   * @throws SetupNotFoundException if there is no such run
   */
  public ServerExecution cancel(UUID executionId) {
    ServerExecution execution = get(executionId);
    if (!execution.getStatus().isActive()) {
      return execution;
    }
    ActiveRun local = active.get(executionId);
    if (executions.finish(
            executionId,
            ExecutionStatus.CANCELLED,
            null,
            null,
            Instant.now(clock),
            List.of(ExecutionStatus.QUEUED))
        == 1) {
      if (local != null) {
        local.cancel();
      }
      supervisor.finished(executionId, execution.getServerId(), ExecutionStatus.CANCELLED);
      return get(executionId);
    }
    if (local == null) {
      executions.requestCancel(executionId, ExecutionStatus.ACTIVE); // its replica will see it
      return get(executionId);
    }
    local.cancel();
    try {
      local.done.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      log.info("Setup run {} is taking a while to end after its cancel", executionId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return get(executionId);
  }

  /** The server's runs, newest first. */
  public List<ServerExecution> executions(UUID serverId) {
    return executions.findByServerIdOrderByCreatedAtDesc(serverId);
  }

  /**
   * @throws SetupNotFoundException if there is no such run
   */
  public ServerExecution get(UUID executionId) {
    return executions
        .findById(executionId)
        .orElseThrow(() -> SetupNotFoundException.execution(executionId));
  }

  /**
   * The run's output from {@code fromOffset} (characters since the run began) on; see {@link
   * #outputPage} to learn where to read next.
   */
  public String output(UUID executionId, long fromOffset) {
    return outputPage(executionId, fromOffset).text();
  }

  /**
   * The run's output from {@code fromOffset} on, with the offset to read from next.
   *
   * @throws SetupNotFoundException if there is no such run
   */
  public OutputPage outputPage(UUID executionId, long fromOffset) {
    return executions
        .readOutput(executionId, Math.max(0, fromOffset))
        .map(slice -> OutputPage.of(slice, fromOffset))
        .orElseThrow(() -> SetupNotFoundException.execution(executionId));
  }

  /** Whether the server has a run queued or running. */
  public boolean hasActiveRun(UUID serverId) {
    return executions.findFirstByServerIdAndStatusIn(serverId, ExecutionStatus.ACTIVE).isPresent();
  }

  private ServerExecution start(Server server, SetupScript script, ExecutionKind kind) {
    if (server.getStatus() != ServerStatus.RUNNING) {
      throw new SetupConflictException(
          SetupConflictException.SERVER_NOT_RUNNING,
          "Server " + server.getName() + " is " + server.getStatus() + ", not RUNNING");
    }
    if (server.getAddresses().sshHost() == null || server.getAddresses().sshPort() == null) {
      throw new SetupConflictException(
          SetupConflictException.SERVER_NO_SSH,
          "Server " + server.getName() + " has no SSH endpoint yet");
    }
    executions
        .findFirstByServerIdAndStatusIn(server.getId(), ExecutionStatus.ACTIVE)
        .ifPresent(
            running -> {
              throw alreadyRunning(server, running.getId());
            });
    ServerExecution created =
        new ServerExecution(
            server.getId(),
            script.getId(),
            script.getName(),
            script.getVersion(),
            kind,
            Instant.now(clock));
    try {
      ownTransaction.executeWithoutResult(
          status -> {
            executions.saveAndFlush(created);
            executions.heartbeat(List.of(created.getId()));
          });
    } catch (DataIntegrityViolationException e) {
      // another request (maybe on another replica) started one just now
      throw alreadyRunning(server, null);
    }
    ActiveRun run =
        new ActiveRun(
            created.getId(), server.getId(), kind, script.getContent(), settings.outputCapChars());
    active.add(run);
    try {
      executor.execute(() -> carryOut(run));
    } catch (RejectedExecutionException e) {
      active.remove(run);
      supervisor.finish(run, ExecutionStatus.FAILED, null, RunSupervisor.SHUTDOWN);
    }
    log.info(
        "Queued {} run {} of \"{}\" v{} on server {}",
        kind,
        created.getId(),
        script.getName(),
        script.getVersion(),
        server.getName());
    return created;
  }

  private void carryOut(ActiveRun run) {
    boolean succeeded;
    try {
      succeeded = worker.execute(run);
    } finally {
      active.remove(run);
    }
    if (succeeded && run.kind == ExecutionKind.RESET) {
      try {
        startSetup(run.serverId);
      } catch (RuntimeException e) {
        log.warn(
            "Server {} was reset but its setup could not start: {}", run.serverId, e.getMessage());
      }
    }
  }

  private Server server(UUID serverId) {
    Server server =
        servers.findById(serverId).orElseThrow(() -> new ServerNotFoundException(serverId));
    return Objects.requireNonNull(server);
  }

  private static SetupConflictException alreadyRunning(Server server, @Nullable UUID executionId) {
    return new SetupConflictException(
        SetupConflictException.SETUP_ALREADY_RUNNING,
        "Server "
            + server.getName()
            + " already has a setup run under way"
            + (executionId == null ? "" : " (" + executionId + ")"));
  }

  /** Stops taking runs; the supervisor has ended those under way. */
  @PreDestroy
  void shutdown() {
    executor.shutdownNow();
  }
}
