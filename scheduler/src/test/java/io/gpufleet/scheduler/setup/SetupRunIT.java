package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.persistence.setup.ExecutionKind;
import io.gpufleet.persistence.setup.ExecutionStatus;
import io.gpufleet.persistence.setup.ScriptKind;
import io.gpufleet.persistence.setup.ServerExecution;
import io.gpufleet.persistence.setup.ServerExecutionRepository;
import io.gpufleet.persistence.setup.SetupScript;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import io.gpufleet.scheduler.servers.ServerEvents.ServerBecameRunning;
import io.gpufleet.scheduler.servers.ServerNotFoundException;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionFinished;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionOutput;
import io.gpufleet.scheduler.setup.ExecutionEvents.ExecutionProgress;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.ssh.ServiceHooks;
import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import io.gpufleet.testing.MutableClock;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** Setup runs against the SSH simulator over real sockets, with their rows and events. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SetupRunIT extends SchedulerIntegrationTest {

  @Autowired SetupRunService runs;
  @Autowired SetupScriptService scripts;
  @Autowired ServerRepository servers;
  @Autowired ServerExecutionRepository executions;
  @Autowired PlatformKeyStore keys;
  @Autowired RunSupervisor supervisor;
  @Autowired ApplicationEventPublisher publisher;
  @Autowired TransactionTemplate transaction;
  @Autowired MutableClock clock;

  private final ComfyOnStart comfy = new ComfyOnStart();
  private final List<Object> events = new CopyOnWriteArrayList<>();
  private SshSimulator ssh;
  private int comfyPort;

  @BeforeEach
  void startMachine() throws IOException {
    comfyPort = freePort();
    ssh =
        SshSimulator.start(
            SshSimulatorConfig.builder()
                .authorizedKey(keys.keyPair().getPublic())
                .mapPort(8188, comfyPort)
                .hooks(comfy)
                .build());
    EventRecorder.sink = events;
  }

  @AfterEach
  void stopMachine() {
    EventRecorder.sink = null;
    ssh.close();
    comfy.comfyStopped();
  }

  @Test
  void outputIsStoredWhileTheScriptRunsAndStepsAreParsed() throws Exception {
    comfy.comfyStarted(comfyPort); // ComfyUI already answers; the script only reports
    Path flag = ssh.sandboxDir().resolve("go-on");
    SetupScript script =
        customScript(
            "echo '##STEP 1/2 Prepare'\n"
                + "echo 'preparing the machine'\n"
                + "while [ ! -e '"
                + flag
                + "' ]; do sleep 0.05; done\n"
                + "echo '##STEP 2/2 Finish'\n"
                + "echo 'all done'\n");
    Server server = runningServer(script.getId());

    ServerExecution started = runs.startSetup(server.getId());

    assertThat(started.getStatus()).isEqualTo(ExecutionStatus.QUEUED);
    assertThat(started.getScriptName()).isEqualTo(script.getName());
    ServerExecution midway =
        await(started.getId(), e -> e.getOutput().contains("preparing the machine"));
    assertThat(midway.getStatus()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(midway.getStartedAt()).isNotNull();
    assertThat(midway.getStep()).isEqualTo(1);
    assertThat(midway.getStepTotal()).isEqualTo(2);
    assertThat(midway.getStepTitle()).isEqualTo("Prepare");
    assertThat(runs.output(started.getId(), 0)).startsWith("##STEP 1/2 Prepare\n");

    Files.createFile(flag);
    ServerExecution done = awaitEnd(started.getId());

    assertThat(done.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.getExitCode()).isZero();
    assertThat(done.getStep()).isEqualTo(2);
    assertThat(done.getStepTitle()).isEqualTo("Finish");
    assertThat(done.getFinishedAt()).isAfterOrEqualTo(done.getStartedAt());
    assertThat(done.getOutput())
        .isEqualTo("##STEP 1/2 Prepare\npreparing the machine\n##STEP 2/2 Finish\nall done\n");
    Server after = awaitHealthy(server.getId());
    assertThat(after.getSetup().done()).isTrue();

    int preparedAt = done.getOutput().indexOf("preparing");
    assertThat(runs.output(started.getId(), preparedAt)).startsWith("preparing the machine\n");
    assertThat(runs.outputPage(started.getId(), 1000).text()).isEmpty();
    assertThat(runs.outputPage(started.getId(), 0).next()).isEqualTo(done.getOutputLength());
    ExecutionFinished finished =
        new ExecutionFinished(started.getId(), server.getId(), ExecutionStatus.SUCCEEDED);
    awaitUntil(() -> events.contains(finished) ? finished : null);
    // the last chunk is published before the run's end
    assertThat(events)
        .filteredOn(ExecutionOutput.class::isInstance)
        .map(ExecutionOutput.class::cast)
        .filteredOn(e -> e.executionId().equals(started.getId()))
        .allSatisfy(e -> assertThat(runs.output(started.getId(), e.offset())).startsWith(e.chunk()))
        .extracting(ExecutionOutput::chunk)
        // however the output was cut into chunks, the chunks in order are the whole output
        .satisfies(
            chunks ->
                assertThat(String.join("", chunks))
                    .isEqualTo(
                        "##STEP 1/2 Prepare\npreparing the machine\n##STEP 2/2 Finish\nall done\n"));
    assertThat(events)
        .contains(
            new ExecutionProgress(started.getId(), 1, 2, "Prepare"),
            new ExecutionProgress(started.getId(), 2, 2, "Finish"));
  }

  @Test
  void theBuiltinInstallScriptSetsAServerUpAndItsComfyUiAnswers() {
    Server server = runningServer(null);

    ServerExecution started = runs.startSetup(server.getId());
    ServerExecution done = awaitEnd(started.getId());

    assertThat(done.getStatus()).as(done.getError()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(done.getScriptName()).isEqualTo("Install ComfyUI");
    assertThat(done.getKind()).isEqualTo(ExecutionKind.SETUP);
    assertThat(done.getStep()).isEqualTo(6);
    assertThat(done.getStepTotal()).isEqualTo(6);
    assertThat(comfy.started).isTrue();
    Server after = awaitHealthy(server.getId());
    assertThat(after.getSetup().done()).isTrue();
  }

  @Test
  void aResetRunsTheResetScriptThenSetsTheServerUpAgain() {
    Server server = runningServer(null);
    awaitEnd(runs.startSetup(server.getId()).getId());

    ServerExecution reset = runs.startReset(server.getId());

    assertThat(reset.getKind()).isEqualTo(ExecutionKind.RESET);
    assertThat(awaitEnd(reset.getId()).getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    ServerExecution setupAfter =
        awaitUntil(
            () -> {
              List<ServerExecution> all = runs.executions(server.getId());
              return all.size() == 3 && !all.get(0).getStatus().isActive() ? all.get(0) : null;
            });
    assertThat(setupAfter.getKind()).isEqualTo(ExecutionKind.SETUP);
    assertThat(setupAfter.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(runs.executions(server.getId()))
        .extracting(ServerExecution::getKind)
        .containsExactly(ExecutionKind.SETUP, ExecutionKind.RESET, ExecutionKind.SETUP);
    assertThat(servers.findById(server.getId()).orElseThrow().getSetup().done()).isTrue();
  }

  @Test
  void aServerThatBecomesRunningAndNeedsSetupIsSetUp() {
    Server server = runningServer(customScript("echo first setup\n").getId());
    comfy.comfyStarted(comfyPort);

    becameRunning(server.getId(), true);

    ServerExecution run = awaitUntil(() -> firstEnded(server.getId()));
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.getOutput()).isEqualTo("first setup\n");
  }

  @Test
  void aServerSetUpBeforeIsSetUpAgainWhenItRunsAgain() {
    Server server = runningServer(customScript("echo restarted\n").getId());
    transaction.executeWithoutResult(
        status ->
            servers.findById(server.getId()).orElseThrow().markSetUp(true, Instant.now(clock)));
    comfy.comfyStarted(comfyPort);

    becameRunning(server.getId(), false);

    ServerExecution run = awaitUntil(() -> firstEnded(server.getId()));
    assertThat(run.getStatus()).isEqualTo(ExecutionStatus.SUCCEEDED);
    assertThat(run.getOutput()).isEqualTo("restarted\n");
  }

  @Test
  void aServerThatNeedsNoSetupIsLeftAlone() {
    Server server = runningServer(customScript("echo nothing\n").getId());

    becameRunning(server.getId(), false);

    assertThat(runs.executions(server.getId())).isEmpty();
  }

  /** As the reconciler tells it: inside its transaction, heard after the commit. */
  private void becameRunning(UUID serverId, boolean needsSetup) {
    transaction.executeWithoutResult(
        status ->
            publisher.publishEvent(
                new ServerBecameRunning(serverId, needsSetup, Instant.now(clock))));
  }

  @Test
  void cancelsOfRunsHeldByAnotherReplicaGoThroughTheirRows() {
    Server server = runningServer(null);
    ServerExecution queuedElsewhere =
        executions.saveAndFlush(
            new ServerExecution(
                server.getId(), null, "elsewhere", 1, ExecutionKind.SETUP, clock.instant()));

    assertThat(runs.cancel(queuedElsewhere.getId()).getStatus())
        .isEqualTo(ExecutionStatus.CANCELLED);

    ServerExecution runningElsewhere =
        executions.saveAndFlush(
            new ServerExecution(
                server.getId(), null, "elsewhere", 1, ExecutionKind.SETUP, clock.instant()));
    executions.markRunning(runningElsewhere.getId(), clock.instant(), ExecutionStatus.RUNNING);
    executions.heartbeat(List.of(runningElsewhere.getId())); // alive, as its replica keeps it

    ServerExecution asked = runs.cancel(runningElsewhere.getId());

    assertThat(asked.getStatus()).isEqualTo(ExecutionStatus.RUNNING);
    assertThat(asked.isCancelRequested()).isTrue();
    executions.finish(
        runningElsewhere.getId(),
        ExecutionStatus.CANCELLED,
        null,
        null,
        clock.instant(),
        ExecutionStatus.ACTIVE);
  }

  @Nested
  class Failures {

    @Test
    void aNonZeroExitFailsTheRunWithItsCodeAndLastErrors() {
      Server server =
          runningServer(
              customScript("echo working\necho 'disk full' >&2\necho 'giving up' >&2\nexit 3\n")
                  .getId());

      ServerExecution done = awaitEnd(runs.startSetup(server.getId()).getId());

      assertThat(done.getStatus()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.getExitCode()).isEqualTo(3);
      assertThat(done.getError()).contains("exited with 3").contains("disk full\ngiving up");
      assertThat(done.getOutput()).contains("working\n");
      assertThat(servers.findById(server.getId()).orElseThrow().getSetup().done()).isFalse();
    }

    @Test
    void aScriptThatSucceedsWithoutComfyUiAnsweringFails() {
      Server server = runningServer(customScript("echo 'pretending'\n").getId());

      ServerExecution done = awaitEnd(runs.startSetup(server.getId()).getId());

      assertThat(done.getStatus()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.getExitCode()).isZero();
      assertThat(done.getError()).contains("ComfyUI does not answer");
      assertThat(servers.findById(server.getId()).orElseThrow().getSetup().done()).isFalse();
    }

    @Test
    void aLongRunningScriptIsCancelled() throws Exception {
      Path pidFile = ssh.sandboxDir().resolve("sleep.pid");
      Server server =
          runningServer(
              customScript("sleep 60 &\necho $! > '" + pidFile + "'\necho started\nwait\n")
                  .getId());
      UUID id = runs.startSetup(server.getId()).getId();
      await(id, e -> e.getOutput().contains("started"));
      long pid = Long.parseLong(Files.readString(pidFile).trim());

      ServerExecution cancelled = runs.cancel(id);

      assertThat(cancelled.getStatus()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(cancelled.getFinishedAt()).isNotNull();
      awaitUntil(() -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty() ? pid : null);
      assertThat(runs.cancel(id).getStatus()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(events)
          .contains(new ExecutionFinished(id, server.getId(), ExecutionStatus.CANCELLED));
    }

    @Test
    void aSecondStartWhileOneRunsIsRefused() {
      Path flag = ssh.sandboxDir().resolve("never");
      Server server =
          runningServer(
              customScript("echo waiting\nwhile [ ! -e '" + flag + "' ]; do sleep 0.05; done\n")
                  .getId());
      UUID first = runs.startSetup(server.getId()).getId();

      assertThatThrownBy(() -> runs.startSetup(server.getId()))
          .isInstanceOf(SetupConflictException.class)
          .hasMessageContaining("already has a setup run")
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SETUP_ALREADY_RUNNING);
      assertThatThrownBy(() -> runs.startReset(server.getId()))
          .isInstanceOf(SetupConflictException.class);

      runs.cancel(first);
      assertThat(awaitEnd(first).getStatus()).isEqualTo(ExecutionStatus.CANCELLED);
      assertThat(runs.executions(server.getId())).hasSize(1);
    }

    @Test
    void aServerThatIsNotRunningOrHasNoSshIsRefused() {
      Server stopped = runningServer(null);
      Server noSsh = runningServer(null);
      transaction.executeWithoutResult(
          status -> {
            servers
                .findById(stopped.getId())
                .orElseThrow()
                .moveTo(ServerStatus.STOPPED, null, Instant.now(clock));
            servers
                .findById(noSsh.getId())
                .orElseThrow()
                .recordEndpoints(Addresses.NONE, Instant.now(clock));
          });

      assertThatThrownBy(() -> runs.startSetup(stopped.getId()))
          .isInstanceOf(SetupConflictException.class)
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SERVER_NOT_RUNNING);
      assertThatThrownBy(() -> runs.startSetup(noSsh.getId()))
          .isInstanceOf(SetupConflictException.class)
          .extracting(e -> ((SetupConflictException) e).code())
          .isEqualTo(SetupConflictException.SERVER_NO_SSH);
      assertThatThrownBy(() -> runs.startSetup(UUID.randomUUID()))
          .isInstanceOf(ServerNotFoundException.class);
      assertThatThrownBy(() -> runs.get(UUID.randomUUID()))
          .isInstanceOf(SetupNotFoundException.class);
      assertThat(runs.executions(stopped.getId())).isEmpty();
    }

    @Test
    void aRefusedKeyFailsTheRunWithTheReason() {
      ssh.revokeKey(keys.keyPair().getPublic());
      Server server = runningServer(customScript("echo never\n").getId());

      ServerExecution done = awaitEnd(runs.startSetup(server.getId()).getId());

      assertThat(done.getStatus()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(done.getError()).contains("refused the key");
    }

    @Test
    void runsLeftActiveByAStoppedReplicaAreFailedAsInterrupted() {
      Server server = runningServer(null);
      ServerExecution orphan =
          executions.saveAndFlush(
              new ServerExecution(
                  server.getId(),
                  null,
                  "Install ComfyUI",
                  1,
                  ExecutionKind.SETUP,
                  clock.instant()));
      executions.markRunning(orphan.getId(), clock.instant(), ExecutionStatus.RUNNING);

      assertThat(supervisor.failAbandoned()).isGreaterThanOrEqualTo(1);

      ServerExecution after = runs.get(orphan.getId());
      assertThat(after.getStatus()).isEqualTo(ExecutionStatus.FAILED);
      assertThat(after.getError()).contains("interrupted");
    }

    @Test
    void storedOutputKeepsItsTailUnderTheCap() {
      Server server = runningServer(null);
      ServerExecution row =
          executions.saveAndFlush(
              new ServerExecution(
                  server.getId(), null, "capped", 1, ExecutionKind.SETUP, clock.instant()));
      executions.finish(
          row.getId(),
          ExecutionStatus.FAILED,
          null,
          "test row",
          clock.instant(),
          ExecutionStatus.ACTIVE);

      executions.appendOutput(row.getId(), "0123456789", 16);
      executions.appendOutput(row.getId(), "abcdefghij", 16);

      ServerExecution after = runs.get(row.getId());
      assertThat(after.getOutput()).isEqualTo("456789abcdefghij");
      assertThat(after.getOutputLength()).isEqualTo(20);
      assertThat(after.getOutputDropped()).isEqualTo(4);
      OutputPage whole = runs.outputPage(row.getId(), 0);
      assertThat(whole.truncated()).isTrue();
      assertThat(whole.text()).contains("4 earlier characters").endsWith("456789abcdefghij");
      assertThat(runs.output(row.getId(), 15)).isEqualTo("fghij");
      assertThat(runs.outputPage(row.getId(), 15).next()).isEqualTo(20);
    }
  }

  // --- helpers

  private @Nullable ServerExecution firstEnded(UUID serverId) {
    return runs.executions(serverId).stream()
        .filter(e -> !e.getStatus().isActive())
        .findFirst()
        .orElse(null);
  }

  private SetupScript customScript(String content) {
    return scripts.create(
        new SetupScriptDraft(
            "test-" + UUID.randomUUID(), "a test script", content, ScriptKind.INSTALL));
  }

  /** A server row whose machine is the SSH simulator, RUNNING, never set up. */
  private Server runningServer(@Nullable UUID scriptId) {
    return transaction.execute(
        status -> {
          Instant now = Instant.now(clock);
          Server server =
              new Server(
                  "setup-" + UUID.randomUUID(),
                  "manual",
                  new ServerSpec(
                      "RTX 4090", 1, 8, 32, 40, "US", new BigDecimal("2.00"), null, null),
                  now);
          server.moveTo(ServerStatus.RUNNING, null, now);
          server.recordEndpoints(
              new Addresses(
                  "127.0.0.1", "http://127.0.0.1:" + comfyPort, ssh.host(), ssh.port(), null),
              now);
          server.setSetup(scriptId, false, now);
          return servers.save(server);
        });
  }

  /** The run's row ends before the server is probed. */
  private Server awaitHealthy(UUID serverId) {
    return awaitUntil(
        () -> {
          Server server = servers.findById(serverId).orElseThrow();
          return server.getHealth().state() == HealthState.HEALTHY ? server : null;
        });
  }

  private ServerExecution awaitEnd(UUID id) {
    return await(id, e -> !e.getStatus().isActive());
  }

  private ServerExecution await(UUID id, Predicate<ServerExecution> condition) {
    return awaitUntil(
        () -> {
          ServerExecution e = runs.get(id);
          return condition.test(e) ? e : null;
        });
  }

  private static <T> T awaitUntil(java.util.function.Supplier<@Nullable T> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gave up waiting after 60 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Starts a ComfyUI simulator where the sandbox says ComfyUI now runs. */
  static final class ComfyOnStart implements ServiceHooks {
    private @Nullable ComfySimulator simulator;
    volatile boolean started;

    @Override
    public synchronized void comfyStarted(int port) {
      if (simulator == null) {
        simulator = ComfySimulator.start(ComfySimulatorConfig.defaults().withPort(port));
        started = true;
      }
    }

    @Override
    public synchronized void comfyStopped() {
      if (simulator != null) {
        simulator.close();
        simulator = null;
      }
    }
  }

  /** Collects the execution events of the shared context for the test that runs. */
  @Component
  static class EventRecorder {
    static volatile @Nullable List<Object> sink;

    @EventListener
    void on(ExecutionOutput event) {
      record(event);
    }

    @EventListener
    void on(ExecutionProgress event) {
      record(event);
    }

    @EventListener
    void on(ExecutionFinished event) {
      record(event);
    }

    private static void record(Object event) {
      List<Object> target = sink;
      if (target != null) {
        target.add(event);
      }
    }
  }
}
