package io.gpufleet.simulator.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SshSimulatorIT {

  /** The real scripts, read where the scheduler module keeps them (not copied). */
  private static final Path SETUP_SCRIPTS = Path.of("../scheduler/src/main/resources/setup");

  private static final Pattern STEP = Pattern.compile("(?m)^##STEP (\\d+)/(\\d+) (.+)$");

  private static SshTestClient client;
  private static KeyPair key;

  private FakeComfy comfy;
  private SshSimulator simulator;

  @BeforeAll
  static void startClient() throws Exception {
    client = new SshTestClient();
    key = SshTestClient.newKeyPair();
  }

  @AfterAll
  static void stopClient() {
    client.close();
  }

  @BeforeEach
  void startSimulator() throws IOException {
    comfy = new FakeComfy(freePort());
    simulator =
        SshSimulator.start(
            SshSimulatorConfig.builder()
                .authorizedKey(key.getPublic())
                .mapPort(8188, comfy.port)
                .hooks(comfy)
                .build());
  }

  @AfterEach
  void stopSimulator() {
    simulator.close();
    comfy.stop();
  }

  private static String script(String name) throws IOException {
    return Files.readString(SETUP_SCRIPTS.resolve(name));
  }

  private SshTestClient.Result install() throws Exception {
    return client.exec(simulator, key, "bash -s", script("install-comfyui.sh"));
  }

  private static List<String> steps(String output) {
    List<String> steps = new ArrayList<>();
    Matcher m = STEP.matcher(output);
    while (m.find()) {
      steps.add(m.group(1) + "/" + m.group(2));
    }
    return steps;
  }

  @Test
  void installScriptRunsEveryStepAndStartsComfyOnTheMappedPort() throws Exception {
    SshTestClient.Result result = install();

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(steps(result.stdout())).containsExactly("1/6", "2/6", "3/6", "4/6", "5/6", "6/6");
    assertThat(result.stdout())
        .contains("Setting up python3-venv")
        .contains("Successfully installed")
        .contains("ComfyUI is up on port 8188.");
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).isEqualTo("started " + comfy.port);
    Path comfyDir = simulator.comfyDir();
    assertThat(comfyDir).startsWith(simulator.sandboxDir());
    assertThat(comfyDir.resolve("main.py")).isRegularFile();
    assertThat(comfyDir.resolve("models/checkpoints/v1-5-pruned-emaonly-fp16.safetensors"))
        .isNotEmptyFile();
    assertThat(Files.readString(comfyDir.resolve(".git/HEAD")).trim())
        .isEqualTo("a125cd84b054a57729b5eecab930ca9408719832");
  }

  @Test
  void secondRunSkipsWhatIsDoneAndRestartsTheService() throws Exception {
    assertThat(install().exitCode()).isZero();
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).startsWith("started");

    SshTestClient.Result again = install();

    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(steps(again.stdout())).containsExactly("1/6", "2/6", "3/6", "4/6", "5/6", "6/6");
    assertThat(again.stdout())
        .contains("System packages already installed.")
        .contains("Virtual environment already present")
        .contains("ComfyUI already at a125cd84b054a57729b5eecab930ca9408719832.")
        .contains("Requirements already installed.")
        .contains("Model v1-5-pruned-emaonly-fp16.safetensors already present.")
        .contains("Stopping ComfyUI")
        .doesNotContain("Setting up")
        .doesNotContain("Collecting");
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).isEqualTo("stopped");
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).isEqualTo("started " + comfy.port);
  }

  @Test
  void resetStopsComfyAndRemovesTheInstallButKeepsModels() throws Exception {
    assertThat(install().exitCode()).isZero();
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).startsWith("started");

    SshTestClient.Result reset = client.exec(simulator, key, "bash -s", script("reset-comfyui.sh"));

    assertThat(reset.exitCode()).as(reset.stderr()).isZero();
    assertThat(steps(reset.stdout())).containsExactly("1/3", "2/3", "3/3");
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).isEqualTo("stopped");
    try (Stream<Path> left = Files.list(simulator.comfyDir())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("models");
    }

    SshTestClient.Result reinstall = install();
    assertThat(reinstall.exitCode()).as(reinstall.stderr()).isZero();
    assertThat(reinstall.stderr()).contains("Cloning into");
    assertThat(reinstall.stdout())
        .contains("Collecting")
        .contains("Model v1-5-pruned-emaonly-fp16.safetensors already present.");
  }

  @Test
  void closingTheSimulatorStopsComfyAndDeletesTheSandbox() throws Exception {
    assertThat(install().exitCode()).isZero();
    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).startsWith("started");
    Path sandbox = simulator.sandboxDir();

    simulator.close();

    assertThat(comfy.events.poll(10, TimeUnit.SECONDS)).isEqualTo("stopped");
    assertThat(sandbox).doesNotExist();
  }

  @Test
  void failingCommandGivesItsExitCodeAndStderr() throws Exception {
    SshTestClient.Result result =
        client.exec(simulator, key, "echo partial; echo 'it broke' >&2; exit 3", "");

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("partial\n");
    assertThat(result.stderr()).isEqualTo("it broke\n");
  }

  @Test
  void commandsRunInTheSandboxWithTheShimsFirstOnPath() throws Exception {
    SshTestClient.Result result =
        client.exec(
            simulator, key, "bash -s", "pwd\necho \"$COMFY_DIR\"\ncommand -v git\nnvidia-smi -L\n");

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String sandbox = simulator.sandboxDir().toString();
    assertThat(result.stdout().lines())
        .containsExactly(
            sandbox + "/root",
            simulator.comfyDir().toString(),
            sandbox + "/.sim/bin/git",
            "GPU 0: NVIDIA GeForce RTX 4090 (UUID: GPU-5b3c9f1e-7d2a-4c1b-9e8f-0a1b2c3d4e5f)");
  }

  @Test
  void closingTheChannelKillsTheCommandsProcessGroup() throws Exception {
    Path pidFile = simulator.sandboxDir().resolve("sleeper.pid");
    try (ClientSession session = client.login(simulator, key)) {
      var channel = session.createExecChannel("sleep 60 & echo $! > " + pidFile + "; wait");
      channel.open().verify(Duration.ofSeconds(10));
      long pid = waitForPid(pidFile);
      assertThat(ProcessHandle.of(pid)).get().matches(ProcessHandle::isAlive);

      channel.close(false); // graceful: the server is told, as when a client hangs up

      assertThat(ProcessHandle.of(pid).map(p -> p.onExit().join()))
          .hasValueSatisfying(p -> assertThat(p.isAlive()).isFalse());
    }
  }

  @Nested
  class Authentication {

    @Test
    void unknownKeyIsRefused() throws Exception {
      KeyPair stranger = SshTestClient.newKeyPair();

      assertThatThrownBy(() -> client.exec(simulator, stranger, "true", ""))
          .isInstanceOf(SshException.class)
          .hasMessageContaining("No more authentication methods available");
    }

    @Test
    void keyAuthorizedAtRunTimeIsAccepted() throws Exception {
      KeyPair attached = SshTestClient.newKeyPair();
      assertThatThrownBy(() -> client.exec(simulator, attached, "true", ""))
          .isInstanceOf(SshException.class);

      simulator.authorizeKey(attached.getPublic());

      assertThat(client.exec(simulator, attached, "echo hi", "").stdout()).isEqualTo("hi\n");
    }
  }

  private static long waitForPid(Path pidFile) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (Files.exists(pidFile)) {
        String text = Files.readString(pidFile).trim();
        if (!text.isEmpty()) {
          return Long.parseLong(text);
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no pid written to " + pidFile);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stands in for the ComfyUI simulator: answers /system_stats on the port it is given. */
  private static final class FakeComfy implements ServiceHooks {
    final int port;
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private HttpServer server;

    FakeComfy(int port) {
      this.port = port;
    }

    @Override
    public synchronized void comfyStarted(int port) {
      events.add("started " + port);
      try {
        server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      server.createContext(
          "/system_stats",
          exchange -> {
            byte[] body =
                "{\"system\":{\"comfyui_version\":\"0.3.64\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
    }

    @Override
    public synchronized void comfyStopped() {
      events.add("stopped");
      stop();
    }

    synchronized void stop() {
      if (server != null) {
        server.stop(0);
        server = null;
      }
    }
  }
}
