package io.gpufleet.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.comfy.workflow.InputSpec;
import io.gpufleet.comfy.workflow.NodeDefinition;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What any ComfyUI-compatible server must do for our client: run by the scripted stub here and by
 * the simulator module against its simulator. Implementations give the base URL.
 */
public abstract class ComfyContract {
  protected static final Duration WAIT = Duration.ofSeconds(30);
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private ComfySession session;

  protected abstract String baseUrl();

  protected ComfyClient client() {
    return ComfyClient.builder()
        .baseUrl(baseUrl())
        .reconnect(new ReconnectPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200)))
        .build();
  }

  @AfterEach
  void closeSession() {
    if (session != null) {
      session.close();
    }
  }

  protected String aCheckpoint(ComfyClient client) {
    NodeDefinition loader = client.objectInfo("CheckpointLoaderSimple").orElseThrow();
    List<String> options = loader.input("ckpt_name").map(InputSpec::options).orElseThrow();
    assertThat(options).isNotEmpty();
    return options.get(0);
  }

  @Test
  void objectInfoHasTheCoreNodes() {
    NodeDefinitions defs = client().objectInfo();

    assertThat(defs.classTypes())
        .contains(
            "CheckpointLoaderSimple",
            "CLIPTextEncode",
            "EmptyLatentImage",
            "KSampler",
            "VAEDecode",
            "SaveImage");
    InputSpec seed = defs.get("KSampler").flatMap(d -> d.input("seed")).orElseThrow();
    assertThat(seed.max()).isEqualByComparingTo(new BigDecimal("18446744073709551615"));
    assertThat(defs.get("KSampler").orElseThrow().input("sampler_name").orElseThrow().options())
        .contains("euler");
    assertThat(defs.get("SaveImage").orElseThrow().outputNode()).isTrue();
  }

  @Test
  void textToImageRunsToCompletionAndServesPngs() throws Exception {
    ComfyClient client = client();
    RecordingListener events = new RecordingListener();
    session = client.connect(events);
    events.awaitConnected(WAIT);
    events.await(ComfyEvent.Status.class, s -> true, WAIT);
    UUID promptId = UUID.randomUUID();

    SubmitResult result =
        client.submit(
            DefaultWorkflows.textToImage(aCheckpoint(client), 156680208700286L),
            promptId,
            session.clientId());

    assertThat(result.promptId()).isEqualTo(promptId.toString());
    assertThat(result.partiallyRejected()).isFalse();
    events.await(
        ComfyEvent.Executing.class,
        e -> e.done() && promptId.toString().equals(e.promptId()),
        WAIT);
    HistoryEntry entry = client.history(promptId.toString()).orElseThrow();
    assertThat(entry.succeeded()).isTrue();
    assertThat(entry.allImages()).isNotEmpty();
    for (OutputFile image : entry.allImages()) {
      ViewedFile file = client.view(image);
      assertThat(file.bytes()).startsWith(PNG_SIGNATURE);
      assertThat(file.contentType()).startsWith("image/png");
      assertThat(ImageIO.read(new ByteArrayInputStream(file.bytes())).getWidth()).isEqualTo(512);
    }
    assertThat(events.seen)
        .anySatisfy(e -> assertThat(e).isInstanceOf(ComfyEvent.ExecutionStart.class));
  }

  @Test
  void anUnknownCheckpointIsRejectedWithNodeErrors() {
    ComfyClient client = client();

    assertThatThrownBy(
            () ->
                client.submit(
                    DefaultWorkflows.textToImage("no-such-model.safetensors", 1),
                    UUID.randomUUID(),
                    "contract"))
        .isInstanceOfSatisfying(
            ComfyException.PromptRejected.class,
            rejected -> {
              assertThat(rejected.type()).isEqualTo("prompt_outputs_failed_validation");
              assertThat(rejected.nodeErrors()).containsKey("4");
              assertThat(rejected.nodeErrors().get("4").errors().get(0).type())
                  .isEqualTo("value_not_in_list");
              assertThat(rejected.nodeErrors().get("4").errors().get(0).inputName())
                  .isEqualTo("ckpt_name");
              assertThat(rejected.nodeErrors().get("4").dependentOutputs()).containsExactly("9");
              assertThat(rejected.retryable()).isFalse();
            });
  }

  @Test
  void queueInterruptAndFreeAnswer() throws IOException {
    ComfyClient client = client();

    QueueState queue = client.queue();
    client.interrupt(UUID.randomUUID().toString());
    client.interruptAll();
    client.free(true, false);

    assertThat(queue.remaining()).isGreaterThanOrEqualTo(0);
    assertThat(client.queueRemaining()).isGreaterThanOrEqualTo(0);
  }
}
