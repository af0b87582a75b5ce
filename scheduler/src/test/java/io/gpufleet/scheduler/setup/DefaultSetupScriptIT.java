package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.sun.net.httpserver.HttpServer;
import io.gpufleet.simulator.ssh.ServiceHooks;
import io.gpufleet.simulator.ssh.SshSimulator;
import io.gpufleet.simulator.ssh.SshSimulatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bundled scripts, run the way the platform runs them, against a sandboxed server. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DefaultSetupScriptIT {

  @Test
  void installThenResetReportEveryStepInOrderAndSucceed() throws Exception {
    KeyPair key = PlatformKeys.generate();
    FakeComfy comfy = new FakeComfy();
    int comfyPort = freePort();
    List<StepMarkers.Step> steps = new CopyOnWriteArrayList<>();
    ScriptOutputListener listener = (stream, line) -> StepMarkers.parse(line).ifPresent(steps::add);
    try (SshSimulator server =
            SshSimulator.start(
                SshSimulatorConfig.builder()
                    .authorizedKey(key.getPublic())
                    .mapPort(8188, comfyPort)
                    .hooks(comfy)
                    .build());
        SshScriptRunner runner = SshScriptRunner.builder().build()) {
      SshTarget target = SshTarget.root(server.host(), server.port(), key);

      ScriptResult install =
          runner.run(target, SetupScripts.load(SetupScripts.INSTALL_COMFYUI), listener);

      assertThat(install.succeeded()).isTrue();
      assertThat(steps)
          .extracting(StepMarkers.Step::number, StepMarkers.Step::total)
          .containsExactly(
              tuple(1, 6), tuple(2, 6), tuple(3, 6), tuple(4, 6), tuple(5, 6), tuple(6, 6));
      assertThat(comfy.events).containsExactly("started " + comfyPort);

      steps.clear();
      ScriptResult reset =
          runner.run(target, SetupScripts.load(SetupScripts.RESET_COMFYUI), listener);

      assertThat(reset.succeeded()).isTrue();
      assertThat(steps).extracting(StepMarkers.Step::number).containsExactly(1, 2, 3);
      assertThat(comfy.events).containsExactly("started " + comfyPort, "stopped");
    } finally {
      comfy.comfyStopped();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Answers /system_stats while "ComfyUI" runs, as the ComfyUI simulator will. */
  private static final class FakeComfy implements ServiceHooks {
    final List<String> events = new CopyOnWriteArrayList<>();
    private @Nullable HttpServer http;

    @Override
    public synchronized void comfyStarted(int port) {
      events.add("started " + port);
      try {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      http.createContext(
          "/system_stats",
          exchange -> {
            byte[] body = "{\"system\":{}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      http.start();
    }

    @Override
    public synchronized void comfyStopped() {
      if (http != null) {
        events.add("stopped");
        http.stop(0);
        http = null;
      }
    }
  }
}
