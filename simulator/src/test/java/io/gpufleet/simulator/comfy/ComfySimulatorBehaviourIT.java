package io.gpufleet.simulator.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfySession;
import io.gpufleet.comfy.DefaultWorkflows;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.ReconnectPolicy;
import io.gpufleet.comfy.RecordingListener;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Simulator behaviour beyond the contract: caching, faults, restarts. */
class ComfySimulatorBehaviourIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String CKPT = "v1-5-pruned-emaonly-fp16.safetensors";
  private ComfySimulator sim;
  private ComfyClient client;
  private RecordingListener events;
  private ComfySession session;

  @BeforeEach
  void start() throws Exception {
    sim = ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(1000));
    client =
        ComfyClient.builder()
            .baseUrl(sim.baseUrl())
            .reconnect(new ReconnectPolicy(20, Duration.ofMillis(20), Duration.ofMillis(100)))
            .build();
    events = new RecordingListener();
    session = client.connect(events);
    events.awaitConnected(WAIT);
  }

  @AfterEach
  void stop() {
    session.close();
    sim.close();
  }

  private HistoryEntry run(long seed) throws InterruptedException {
    UUID id = UUID.randomUUID();
    client.submit(DefaultWorkflows.textToImage(CKPT, seed), id, session.clientId());
    events.await(
        ComfyEvent.Executing.class, e -> e.done() && id.toString().equals(e.promptId()), WAIT);
    return client.history(id.toString()).orElseThrow();
  }

  @Test
  void anIdenticalRerunIsFullyCachedWithTheSameFiles() throws Exception {
    HistoryEntry first = run(7);
    HistoryEntry again = run(7);
    HistoryEntry other = run(8);

    assertThat(again.allImages()).isEqualTo(first.allImages());
    assertThat(other.allImages()).isNotEqualTo(first.allImages());
    assertThat(again.messages().get(1).data().path("nodes").size()).isEqualTo(7);
  }

  @Test
  void aPromptListenerSeesEachAcceptedPromptButNotARefusedOne() throws Exception {
    java.util.List<ComfySimulator.ReceivedPrompt> seen =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    sim.onPrompt(seen::add);
    java.time.Instant before = java.time.Instant.now();

    HistoryEntry ran = run(11);
    UUID refused = UUID.randomUUID();
    try {
      client.submit(
          DefaultWorkflows.textToImage("no-such-model.safetensors", 1),
          refused,
          session.clientId());
    } catch (io.gpufleet.comfy.ComfyException.PromptRejected expected) {
      // ComfyUI's validation refuses an unknown checkpoint
    }

    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).promptId()).isEqualTo(ran.promptId());
    assertThat(seen.get(0).prompt().path("3").path("class_type").asString()).isEqualTo("KSampler");
    assertThat(seen.get(0).at()).isAfterOrEqualTo(before);
  }

  @Test
  void outOfMemoryIsAnExecutionErrorWithTheTip() throws Exception {
    sim.failNextPromptWithOutOfMemory();
    UUID id = UUID.randomUUID();
    client.submit(DefaultWorkflows.textToImage(CKPT, 1), id, session.clientId());

    ComfyEvent.ExecutionError error =
        events.await(ComfyEvent.ExecutionError.class, e -> true, WAIT);
    events.await(ComfyEvent.Executing.class, ComfyEvent.Executing::done, WAIT);

    assertThat(error.outOfMemory()).isTrue();
    assertThat(error.nodeType()).isEqualTo("KSampler");
    assertThat(error.exceptionMessage()).contains("TIPS");
    assertThat(client.history(id.toString()).orElseThrow().statusStr()).isEqualTo("error");
    assertThat(run(2).succeeded()).isTrue();
  }

  @Test
  void aCrashDropsSocketsAndForgetsHistory() throws Exception {
    HistoryEntry before = run(3);

    sim.crash();

    events.awaitConnected(WAIT);
    assertThat(client.history(before.promptId())).isEmpty();
    assertThat(client.queue().remaining()).isZero();
    assertThat(run(4).succeeded()).isTrue();
  }

  @Test
  void modelsAddedAtRuntimeAreAccepted() throws Exception {
    sim.addModel("checkpoints", "new-model.safetensors", 123);

    assertThat(client.models("checkpoints")).contains("new-model.safetensors");
    UUID id = UUID.randomUUID();
    client.submit(DefaultWorkflows.textToImage("new-model.safetensors", 5), id, session.clientId());
    events.await(
        ComfyEvent.Executing.class, e -> e.done() && id.toString().equals(e.promptId()), WAIT);
  }

  @Test
  void previewsArriveWithMetadataAfterTheHandshake() throws Exception {
    run(11);

    assertThat(events.seen)
        .anySatisfy(
            e -> {
              assertThat(e).isInstanceOf(ComfyEvent.Preview.class);
              assertThat(((ComfyEvent.Preview) e).promptId()).isNotNull();
            });
    assertThat(events.seen).anySatisfy(e -> assertThat(e).isInstanceOf(ComfyEvent.Progress.class));
  }
}
