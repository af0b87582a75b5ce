package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.scheduler.setup.ScriptOutputListener.Stream;
import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SshScriptRunnerIT {

  private static KeyPair platformKey;
  private static SshScriptRunner runner;

  private SshSimulator server;
  private SshTarget target;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final ScriptOutputListener listener =
      (stream, line) -> {
        String tagged = (stream == Stream.STDOUT ? "out: " : "err: ") + line;
        seen.add(tagged);
        lines.add(tagged);
      };

  @BeforeAll
  static void startRunner() {
    platformKey = PlatformKeys.generate();
    runner =
        SshScriptRunner.builder()
            .connectTimeout(Duration.ofSeconds(10))
            .authTimeout(Duration.ofSeconds(10))
            .maxRunDuration(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stopRunner() {
    runner.close();
  }

  @BeforeEach
  void startServer() throws Exception {
    server =
        SshSimulator.start(
            SshSimulatorConfig.builder().authorizedKey(platformKey.getPublic()).build());
    target = SshTarget.root(server.host(), server.port(), platformKey);
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void outputArrivesWhileTheScriptIsStillRunning() throws Exception {
    Path flag = server.sandboxDir().resolve("go-on");
    String script =
        "echo waiting\n"
            + "while [ ! -e '"
            + flag
            + "' ]; do sleep 0.05; done\n"
            + "echo 'on stderr' >&2\n"
            + "echo finished\n";

    ScriptRun run = runner.start(target, script, listener);

    assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("out: waiting");
    assertThat(run.result()).isNotDone();
    Files.createFile(flag);
    ScriptResult result = run.await();
    assertThat(result).isEqualTo(new ScriptResult(ScriptResult.Outcome.EXITED, 0));
    assertThat(result.succeeded()).isTrue();
    // The two streams travel apart: order holds within each, not across them.
    assertThat(seen)
        .filteredOn(line -> line.startsWith("out: "))
        .containsExactly("out: waiting", "out: finished");
    assertThat(seen).filteredOn(line -> line.startsWith("err: ")).containsExactly("err: on stderr");
  }

  @Test
  void nonZeroExitCodeIsTheResult() throws Exception {
    ScriptResult result = runner.run(target, "echo 'no such thing' >&2\nexit 7\n", listener);

    assertThat(result).isEqualTo(new ScriptResult(ScriptResult.Outcome.EXITED, 7));
    assertThat(result.succeeded()).isFalse();
    assertThat(seen).containsExactly("err: no such thing");
  }

  @Test
  void failingCommandUnderSetEStopsTheScriptWithItsStatus() throws Exception {
    ScriptResult result =
        runner.run(target, "set -euo pipefail\necho before\nfalse\necho after\n", listener);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(seen).containsExactly("out: before");
  }

  @Test
  void environmentIsExportedBeforeTheScript() throws Exception {
    ScriptRun run =
        runner.start(
            target,
            "echo \"$GREETING|$COMFY_PORT\"\n",
            Map.of("GREETING", "it's a \"test\" $HOME", "COMFY_PORT", "8190"),
            listener);

    assertThat(run.await().succeeded()).isTrue();
    assertThat(seen).containsExactly("out: it's a \"test\" $HOME|8190");
  }

  @Test
  void stepMarkersComeThroughAsLines() throws Exception {
    runner.run(target, "echo '##STEP 1/2 first'\necho '##STEP 2/2 second'\n", listener);

    assertThat(seen.stream().map(line -> StepMarkers.parse(line)).flatMap(s -> s.stream()))
        .containsExactly(new StepMarkers.Step(1, 2, "first"), new StepMarkers.Step(2, 2, "second"));
  }

  @Test
  void cancelEndsTheRunAndKillsTheRemoteProcess() throws Exception {
    Path pidFile = server.sandboxDir().resolve("sleep.pid");
    ScriptRun run =
        runner.start(
            target, "sleep 60 &\necho $! > '" + pidFile + "'\necho started\nwait\n", listener);
    assertThat(lines.poll(20, TimeUnit.SECONDS)).isEqualTo("out: started");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(ProcessHandle.of(pid)).isPresent();

    run.cancel();

    assertThat(run.await()).isEqualTo(new ScriptResult(ScriptResult.Outcome.CANCELLED, null));
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }

  @Test
  void cancelAfterTheEndChangesNothing() throws Exception {
    ScriptRun run = runner.start(target, "exit 0\n", listener);
    ScriptResult result = run.await();

    run.cancel();

    assertThat(run.await()).isEqualTo(result);
  }

  @Test
  void scriptRunningPastTheMaximumDurationTimesOut() throws Exception {
    try (SshScriptRunner impatient =
        SshScriptRunner.builder().maxRunDuration(Duration.ofMillis(500)).build()) {
      ScriptResult result = impatient.run(target, "sleep 60\n", listener);

      assertThat(result).isEqualTo(new ScriptResult(ScriptResult.Outcome.TIMED_OUT, null));
    }
  }

  @Nested
  class CannotRun {

    @Test
    void unknownKeyIsRefusedWithAClearException() {
      KeyPair stranger = PlatformKeys.generate();
      SshTarget wrongKey = SshTarget.root(server.host(), server.port(), stranger);

      assertThatThrownBy(() -> runner.run(wrongKey, "true\n", listener))
          .isInstanceOf(SshRunException.AuthenticationFailed.class)
          .hasMessageContaining("refused the key " + PlatformKeys.fingerprint(stranger.getPublic()))
          .hasMessageContaining("root@127.0.0.1:" + server.port());
      assertThat(seen).isEmpty();
    }

    @Test
    void closedPortIsAConnectFailure() throws Exception {
      int port = server.port();
      server.close();
      SshTarget nobody = SshTarget.root("127.0.0.1", port, platformKey);

      assertThatThrownBy(() -> runner.run(nobody, "true\n", listener))
          .isInstanceOf(SshRunException.ConnectFailed.class)
          .satisfies(e -> assertThat(((SshRunException) e).retryable()).isTrue());
    }
  }
}
