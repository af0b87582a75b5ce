package io.gpufleet.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ComfyClientTest {
  private final MockWebServer server = new MockWebServer();
  private ComfyClient client;

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
    client =
        ComfyClient.builder().baseUrl(server.url("/").toString()).bearerToken("s3cret").build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void answer(int code, String body) {
    server.enqueue(
        new MockResponse.Builder()
            .code(code)
            .addHeader("Content-Type", "application/json")
            .body(body)
            .build());
  }

  @Test
  void submitSendsOurPromptIdAndClientId() throws Exception {
    UUID id = UUID.fromString("8A0B5C2E-1111-4222-8333-944455556666");
    answer(
        200,
        "{\"prompt_id\":\"8a0b5c2e-1111-4222-8333-944455556666\",\"number\":3,\"node_errors\":{}}");

    SubmitResult result = client.submit(DefaultWorkflows.textToImage("a.safetensors", 1), id, "me");

    RecordedRequest req = server.takeRequest();
    String body = req.getBody().utf8();
    assertThat(req.getTarget()).isEqualTo("/prompt");
    assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer s3cret");
    assertThat(body)
        .contains(
            "\"prompt_id\":\"8a0b5c2e-1111-4222-8333-944455556666\"",
            "\"client_id\":\"me\"",
            "\"class_type\":\"KSampler\"");
    assertThat(result.number()).isEqualByComparingTo("3");
    assertThat(result.partiallyRejected()).isFalse();
  }

  @Test
  void a200WithNodeErrorsIsReportedAsPartial() {
    answer(
        200,
        "{\"prompt_id\":\"p\",\"number\":0,\"node_errors\":{\"12\":{\"errors\":[{\"type\":\"value_not_in_list\",\"message\":\"Value not in list\",\"details\":\"x\",\"extra_info\":{\"input_name\":\"ckpt_name\"}}],\"dependent_outputs\":[\"13\"],\"class_type\":\"CheckpointLoaderSimple\"}}}");

    SubmitResult result =
        client.submit(DefaultWorkflows.textToImage("a", 1), UUID.randomUUID(), "me");

    assertThat(result.partiallyRejected()).isTrue();
    assertThat(result.nodeErrors().get("12").dependentOutputs()).containsExactly("13");
  }

  @Test
  void queueIsSortedIntoExecutionOrder() {
    answer(
        200,
        "{\"queue_running\":[[0,\"r\",{},{},[\"9\"]]],\"queue_pending\":[[5,\"b\",{},{},[\"9\"]],[-2,\"a\",{},{},[\"9\"]],[5,\"a2\",{},{},[]]]}");

    QueueState queue = client.queue();

    assertThat(queue.running()).extracting(QueueItem::promptId).containsExactly("r");
    assertThat(queue.pending()).extracting(QueueItem::promptId).containsExactly("a", "a2", "b");
    assertThat(queue.remaining()).isEqualTo(4);
  }

  @Test
  void historyOfAnUnfinishedPromptIsEmpty() {
    answer(200, "{}");

    assertThat(client.history("nope")).isEmpty();
  }

  @Test
  void historyPagesWithMaxItemsAndOffset() throws Exception {
    answer(
        200,
        "{\"a\":{\"outputs\":{\"9\":{\"images\":[{\"filename\":\"x.png\",\"subfolder\":\"\",\"type\":\"output\"}]}},\"status\":{\"status_str\":\"success\",\"completed\":true,\"messages\":[[\"execution_start\",{\"prompt_id\":\"a\"}]]}}}");

    var all = client.history(10, 5);

    assertThat(server.takeRequest().getTarget()).isEqualTo("/history?max_items=10&offset=5");
    assertThat(all.get("a").succeeded()).isTrue();
    assertThat(all.get("a").allImages()).containsExactly(new OutputFile("x.png", "", "output"));
    assertThat(all.get("a").messages())
        .extracting(HistoryEntry.Message::type)
        .containsExactly("execution_start");
  }

  @Test
  void objectInfoReadsBothComboShapes() {
    answer(
        200,
        "{\"A\":{\"input\":{\"required\":{\"classic\":[[\"x\",\"y\"],{}],\"v3\":[\"COMBO\",{\"options\":[\"p\",\"q\"]}],\"seed\":[\"INT\",{\"max\":18446744073709551615}]}},\"output\":[],\"output_node\":true,\"display_name\":\"A\"}}");

    var defs = client.objectInfo();

    var a = defs.get("A").orElseThrow();
    assertThat(a.input("classic").orElseThrow().options()).containsExactly("x", "y");
    assertThat(a.input("v3").orElseThrow().options()).containsExactly("p", "q");
    assertThat(a.input("seed").orElseThrow().max().toBigInteger().toString())
        .isEqualTo("18446744073709551615");
  }

  @Test
  void systemStatsAreTyped() {
    answer(
        200,
        "{\"system\":{\"os\":\"posix\",\"comfyui_version\":\"0.3.64\",\"ram_total\":1,\"ram_free\":1},\"devices\":[{\"name\":\"cuda:0 NVIDIA GeForce RTX 4090 : cudaMallocAsync\",\"type\":\"cuda\",\"index\":0,\"vram_total\":25757220864,\"vram_free\":24000000000}]}");

    SystemStats stats = client.systemStats();

    assertThat(stats.comfyuiVersion()).isEqualTo("0.3.64");
    assertThat(stats.devices().get(0).vramTotal()).isEqualTo(25757220864L);
  }

  @Test
  void uploadIsMultipartAndReturnsTheStoredName() throws Exception {
    answer(200, "{\"name\":\"cat (1).png\",\"subfolder\":\"pets\",\"type\":\"input\"}");

    UploadedFile stored = client.uploadImage("cat.png", new byte[] {1, 2}, "pets", false);

    String body = server.takeRequest().getBody().utf8();
    assertThat(body).contains("name=\"image\"; filename=\"cat.png\"", "name=\"overwrite\"");
    assertThat(stored.reference()).isEqualTo("pets/cat (1).png");
  }

  @Test
  void modelsAndEmbeddingsAreLists() {
    answer(200, "[\"a.safetensors\",\"b.safetensors\"]");
    answer(200, "[\"easynegative\"]");

    assertThat(client.models("checkpoints")).containsExactly("a.safetensors", "b.safetensors");
    assertThat(client.embeddings()).containsExactly("easynegative");
  }

  @Test
  void tokenNeverShowsInToString() {
    assertThat(client.toString()).doesNotContain("s3cret");
  }

  @Nested
  class Failures {
    @Test
    void noPromptIsATypedRejection() {
      answer(
          400,
          "{\"error\":{\"type\":\"no_prompt\",\"message\":\"No prompt provided\",\"details\":\"No prompt provided\",\"extra_info\":{}},\"node_errors\":{}}");

      assertThatThrownBy(
              () -> client.submit(DefaultWorkflows.textToImage("a", 1), UUID.randomUUID(), "c"))
          .isInstanceOfSatisfying(
              ComfyException.PromptRejected.class,
              e -> assertThat(e.type()).isEqualTo("no_prompt"));
    }

    @Test
    void invalidPromptIsATypedRejection() {
      answer(
          400,
          "{\"error\":{\"type\":\"invalid_prompt\",\"message\":\"Cannot execute because node Foo does not exist.\",\"details\":\"Node ID '#1'\",\"extra_info\":{}},\"node_errors\":{}}");

      assertThatThrownBy(
              () -> client.submit(DefaultWorkflows.textToImage("a", 1), UUID.randomUUID(), "c"))
          .isInstanceOfSatisfying(
              ComfyException.PromptRejected.class,
              e -> {
                assertThat(e.type()).isEqualTo("invalid_prompt");
                assertThat(e.details()).isEqualTo("Node ID '#1'");
              });
    }

    @Test
    void failedValidationCarriesNodeErrors() {
      answer(
          400,
          "{\"error\":{\"type\":\"prompt_outputs_failed_validation\",\"message\":\"Prompt outputs failed validation\",\"details\":\"\",\"extra_info\":{}},\"node_errors\":{\"4\":{\"errors\":[{\"type\":\"value_not_in_list\",\"message\":\"Value not in list\",\"details\":\"ckpt_name: 'm' not in []\",\"extra_info\":{\"input_name\":\"ckpt_name\",\"received_value\":\"m\"}}],\"dependent_outputs\":[\"9\"],\"class_type\":\"CheckpointLoaderSimple\"}}}");

      assertThatThrownBy(
              () -> client.submit(DefaultWorkflows.textToImage("m", 1), UUID.randomUUID(), "c"))
          .isInstanceOfSatisfying(
              ComfyException.PromptRejected.class,
              e -> {
                assertThat(e.errorTypes()).containsExactly("value_not_in_list");
                assertThat(e.nodeErrors().get("4").classType()).isEqualTo("CheckpointLoaderSimple");
              });
    }

    @Test
    void olderStringErrorIsStillARejection() {
      answer(400, "{\"error\":\"no prompt\",\"node_errors\":[]}");

      assertThatThrownBy(
              () -> client.submit(DefaultWorkflows.textToImage("a", 1), UUID.randomUUID(), "c"))
          .isInstanceOfSatisfying(
              ComfyException.PromptRejected.class,
              e -> {
                assertThat(e.type()).isNull();
                assertThat(e.getMessage()).contains("no prompt");
              });
    }

    @Test
    void plain500IsARetryableApiError() {
      server.enqueue(
          new MockResponse.Builder()
              .code(500)
              .body("500 Internal Server Error\n\nServer got itself in trouble")
              .build());

      assertThatThrownBy(() -> client.queue())
          .isInstanceOfSatisfying(
              ComfyException.ApiError.class,
              e -> {
                assertThat(e.status()).isEqualTo(500);
                assertThat(e.retryable()).isTrue();
              });
    }

    @Test
    void tooLargeIsNotRetryable() {
      server.enqueue(
          new MockResponse.Builder().code(413).body("413: Request Entity Too Large").build());

      assertThatThrownBy(
              () -> client.submit(DefaultWorkflows.textToImage("a", 1), UUID.randomUUID(), "c"))
          .isInstanceOfSatisfying(
              ComfyException.ApiError.class,
              e -> {
                assertThat(e.status()).isEqualTo(413);
                assertThat(e.retryable()).isFalse();
              });
    }

    @Test
    void garbageOn200IsUndecodable() {
      answer(200, "<html>proxy</html>");

      assertThatThrownBy(() -> client.queue()).isInstanceOf(ComfyException.Undecodable.class);
    }

    @Test
    void refusedConnectionIsRetryable() {
      ComfyClient nowhere = ComfyClient.builder().baseUrl("http://127.0.0.1:1/").build();

      assertThatThrownBy(nowhere::queue)
          .isInstanceOfSatisfying(
              ComfyException.ConnectionFailed.class, e -> assertThat(e.retryable()).isTrue());
    }

    @Test
    void missingBaseUrlFailsFast() {
      assertThatThrownBy(() -> ComfyClient.builder().build())
          .isInstanceOf(IllegalStateException.class);
    }
  }

  static List<String> none() {
    return List.of();
  }
}
