package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfySession;
import io.gpufleet.comfy.DefaultWorkflows;
import io.gpufleet.comfy.RecordingListener;
import io.gpufleet.comfy.SystemStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** Many ComfyUIs from one process: each on its own port, with its own speed and state. */
class ComfyFleetIT {
  private static final int COUNT = 100;

  @Test
  void aHundredSimulatorsAnswerRunAndStopCleanly() throws Exception {
    ComfyFleet fleet =
        ComfyFleet.start(
            new ComfyFleet.Config(
                COUNT, 0, 10, 50, ComfySimulatorConfig.defaults().withPreviews(false)));
    List<Integer> ports = new ArrayList<>();
    OkHttpClient http = new OkHttpClient();
    try {
      List<ComfySimulator> sims = fleet.simulators();
      assertThat(sims).hasSize(COUNT);
      sims.forEach(s -> ports.add(s.port()));
      assertThat(new HashSet<>(ports)).as("a port each").hasSize(COUNT);
      assertThat(sims.get(0).stepsPerSecond()).isEqualTo(10.0);
      assertThat(sims.get(COUNT - 1).stepsPerSecond()).isEqualTo(50.0);
      assertThat(fleet.totalStepsPerSecond())
          .isCloseTo(COUNT * 30.0, org.assertj.core.data.Offset.offset(1e-6));

      List<CompletableFuture<SystemStats>> stats = new ArrayList<>();
      for (ComfySimulator sim : sims) {
        stats.add(
            ComfyClient.builder()
                .baseUrl(sim.baseUrl())
                .httpClient(http)
                .build()
                .systemStatsAsync());
      }
      for (CompletableFuture<SystemStats> s : stats) {
        assertThat(s.get(30, TimeUnit.SECONDS).devices()).isNotEmpty();
      }

      // One of them runs a prompt while the others idle; its history is its own.
      ComfySimulator fast = sims.get(COUNT - 1);
      fast.setStepsPerSecond(1000);
      ComfyClient client = ComfyClient.builder().baseUrl(fast.baseUrl()).httpClient(http).build();
      RecordingListener events = new RecordingListener();
      ComfySession session = client.connect(events);
      events.awaitConnected(ComfyRig.WAIT);
      UUID id = UUID.randomUUID();
      client.submit(
          DefaultWorkflows.textToImage("v1-5-pruned-emaonly.safetensors", 1),
          id,
          session.clientId());
      events.await(
          ComfyEvent.Executing.class,
          e -> e.done() && id.toString().equals(e.promptId()),
          ComfyRig.WAIT);
      assertThat(client.history(id.toString()).orElseThrow().succeeded()).isTrue();
      assertThat(
              ComfyClient.builder()
                  .baseUrl(sims.get(0).baseUrl())
                  .httpClient(http)
                  .build()
                  .history(id.toString()))
          .isEmpty();
      session.close();
    } finally {
      fleet.close();
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }

    for (int port : ports.subList(0, 5)) {
      assertThatThrownBy(
              () -> {
                try (Socket s = new Socket()) {
                  s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                }
              })
          .as("port " + port + " closed")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void consecutivePortsFromABase() throws Exception {
    int base;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      base = probe.getLocalPort();
    }
    try (ComfyFleet fleet =
        ComfyFleet.start(new ComfyFleet.Config(3, base, 20, 20, ComfySimulatorConfig.defaults()))) {
      assertThat(fleet.simulators())
          .extracting(ComfySimulator::port)
          .containsExactly(base, base + 1, base + 2);
      assertThat(fleet.baseUrls().get(1)).isEqualTo("http://127.0.0.1:" + (base + 1));
    }
  }
}
