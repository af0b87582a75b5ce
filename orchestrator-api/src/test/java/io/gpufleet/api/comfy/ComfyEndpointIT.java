package io.gpufleet.api.comfy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyEvent;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.ComfyListener;
import io.gpufleet.comfy.ComfySession;
import io.gpufleet.comfy.HistoryEntry;
import io.gpufleet.comfy.OutputFile;
import io.gpufleet.comfy.QueueState;
import io.gpufleet.comfy.SubmitResult;
import io.gpufleet.comfy.UploadedFile;
import io.gpufleet.comfy.ViewedFile;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The endpoint driven as stock ComfyUI clients drive a ComfyUI: the platform's own comfy-client (a
 * faithful client of the protocol) pointed at {@code /comfy} with a bearer key, and raw HTTP and
 * WebSocket where a client sends what it cannot ({@code ?token=}, a frame without the handshake),
 * against a ComfyUI simulator serving as the fleet.
 */
@ExtendWith(OutputCaptureExtension.class)
class ComfyEndpointIT extends IntegrationTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired ComfyPortConfiguration.ComfyPort comfyPort;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();
  private final List<AutoCloseable> sockets = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (AutoCloseable s : sockets) {
      s.close();
    }
    jdbc.update(
        "UPDATE generations SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING')"
            + " AND source = 'comfy'");
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void aStockClientQueuesWaitsForTheEndOnTheSocketReadsTheHistoryAndViewsEachImage() {
    server(20);
    TestUser user = newUser("USER");
    ComfyClient comfy = client(user.key());
    List<ComfyEvent> heard = new CopyOnWriteArrayList<>();
    String clientId = UUID.randomUUID().toString().replace("-", "");
    listen(comfy, clientId, heard);
    UUID promptId = UUID.randomUUID();

    SubmitResult submitted = comfy.submit(textToImage(30), promptId, clientId);

    assertThat(submitted.promptId()).isEqualTo(promptId.toString());
    assertThat(submitted.nodeErrors()).isEmpty();
    awaitEvent(heard, e -> e instanceof ComfyEvent.Executing ex && ex.done());
    List<String> order = heard.stream().map(ComfyViewsOrder::name).distinct().toList();
    assertThat(order)
        .containsSubsequence(
            "status",
            "execution_start",
            "execution_cached",
            "executing",
            "progress",
            "executed",
            "execution_success",
            "done");
    assertThat(heard.get(0)).isInstanceOf(ComfyEvent.Status.class);
    assertThat(((ComfyEvent.Status) heard.get(0)).sid()).isEqualTo(clientId);
    assertThat(heard)
        .filteredOn(ComfyEvent.Preview.class::isInstance)
        .first()
        .satisfies(
            p -> {
              ComfyEvent.Preview preview = (ComfyEvent.Preview) p;
              assertThat(preview.promptId()).isEqualTo(promptId.toString());
              assertThat(preview.image()).startsWith((byte) 0xFF, (byte) 0xD8);
            });
    ComfyEvent.Executed executed =
        (ComfyEvent.Executed)
            heard.stream().filter(ComfyEvent.Executed.class::isInstance).findFirst().orElseThrow();
    assertThat(executed.node()).isEqualTo("9");

    HistoryEntry entry = comfy.history(promptId.toString()).orElseThrow();
    assertThat(entry.succeeded()).isTrue();
    assertThat(entry.images()).containsOnlyKeys("9");
    assertThat(entry.images().get("9")).isEqualTo(executed.images());
    assertThat(entry.messages())
        .extracting(HistoryEntry.Message::type)
        .containsExactly("execution_start", "execution_cached", "execution_success");
    for (OutputFile file : entry.allImages()) {
      ViewedFile image = comfy.view(file);
      assertThat(image.contentType()).startsWith("image/png");
      assertThat(image.bytes()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
    assertThat(comfy.queue().remaining()).isZero();

    // the console's generations: one like any other, marked as a ComfyUI prompt
    JsonNode generation = json(get("/api/v1/generations/" + promptId, ADMIN_KEY));
    assertThat(generation.path("status").asString()).isEqualTo("COMPLETED");
    assertThat(generation.path("source").asString()).isEqualTo("comfy");
    assertThat(generation.path("outputs")).hasSize(entry.allImages().size());
    JsonNode list = json(get("/api/v1/generations?size=50", user.key()));
    assertThat(list.path("items").toString()).contains(promptId.toString());
  }

  @Test
  void anotherUserSeesNothingOfTheQueueHistoryFilesOrSocketMessages() {
    server(10);
    TestUser owner = newUser("USER");
    TestUser other = newUser("USER");
    ComfyClient mine = client(owner.key());
    ComfyClient theirs = client(other.key());
    List<ComfyEvent> mineHeard = new CopyOnWriteArrayList<>();
    List<ComfyEvent> theirsHeard = new CopyOnWriteArrayList<>();
    String clientId = "shared-client-id";
    listen(mine, clientId, mineHeard);
    listen(theirs, clientId, theirsHeard);
    awaitEvent(theirsHeard, ComfyEvent.Status.class::isInstance);
    UUID promptId = UUID.randomUUID();

    mine.submit(textToImage(20), promptId, clientId);

    awaitEvent(mineHeard, e -> e instanceof ComfyEvent.Progress);
    awaitValue(
        () -> mine.queue().running().stream().map(i -> i.promptId()).toList(),
        ids -> ids.contains(promptId.toString()),
        Duration.ofSeconds(30),
        "the prompt running in the owner's queue");
    assertThat(theirs.queue().remaining()).isZero();
    awaitEvent(mineHeard, e -> e instanceof ComfyEvent.Executing ex && ex.done());
    OutputFile image = mine.history(promptId.toString()).orElseThrow().allImages().get(0);

    assertThat(theirs.history(promptId.toString())).isEmpty();
    assertThat(theirs.history(null, null)).isEmpty();
    assertThatThrownBy(() -> theirs.view(image))
        .isInstanceOfSatisfying(
            ComfyException.ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    theirs.interruptAll();
    theirs.clearHistory();
    assertThat(mine.history(promptId.toString())).isPresent();
    // the same client id, another user: nothing but the status the socket opened with
    assertThat(theirsHeard)
        .filteredOn(e -> !(e instanceof ComfyEvent.FeatureFlags))
        .singleElement()
        .isInstanceOf(ComfyEvent.Status.class);
    assertThat(get("/api/v1/generations/" + promptId, other.key()).statusCode()).isEqualTo(404);

    mine.deleteHistory(List.of(promptId.toString()));
    assertThat(mine.history(promptId.toString())).isEmpty();
    assertThat(get("/api/v1/generations/" + promptId, owner.key()).statusCode()).isEqualTo(200);
  }

  @Test
  void aPromptThatFailsValidationIsRefusedWithComfyUIsErrorsAndNeverQueued() {
    server(20);
    TestUser user = newUser("USER");
    ComfyClient comfy = client(user.key());
    Workflow badCheckpoint =
        textToImage(20)
            .with("4", "ckpt_name", "missing.safetensors", null)
            .with("3", "steps", 0, null);

    assertThatThrownBy(() -> comfy.submit(badCheckpoint, UUID.randomUUID(), "c"))
        .isInstanceOfSatisfying(
            ComfyException.PromptRejected.class,
            e -> {
              assertThat(e.type()).isEqualTo("prompt_outputs_failed_validation");
              assertThat(e.nodeErrors()).containsOnlyKeys("3", "4");
              assertThat(e.nodeErrors().get("4").classType()).isEqualTo("CheckpointLoaderSimple");
              assertThat(e.nodeErrors().get("4").dependentOutputs()).containsExactly("9");
              assertThat(e.nodeErrors().get("4").errors().get(0).type())
                  .isEqualTo("value_not_in_list");
              assertThat(e.nodeErrors().get("3").errors().get(0).type())
                  .isEqualTo("value_smaller_than_min");
            });

    HttpResponse<String> raw =
        post("/comfy/prompt", user.key(), "{\"prompt\":" + badCheckpoint.toJsonString() + "}");
    assertThat(raw.statusCode()).isEqualTo(400);
    JsonNode body = json(raw);
    assertThat(body.path("error").path("type").asString())
        .isEqualTo("prompt_outputs_failed_validation");
    assertThat(body.path("error").path("message").asString())
        .isEqualTo("Prompt outputs failed validation");
    assertThat(body.path("error").path("details").asString()).contains("missing.safetensors");
    assertThat(body.path("error").has("extra_info")).isTrue();
    JsonNode reason = body.path("node_errors").path("4").path("errors").get(0);
    assertThat(reason.path("extra_info").path("input_name").asString()).isEqualTo("ckpt_name");
    assertThat(reason.path("extra_info").path("received_value").asString())
        .isEqualTo("missing.safetensors");

    // urllib's default type for a POST body, as ComfyUI's example scripts send it
    HttpResponse<String> asForm =
        send(
            request("/comfy/prompt")
                .header("Authorization", "Bearer " + user.key())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\":" + badCheckpoint.toJsonString() + "}"))
                .build());
    assertThat(json(asForm).path("error").path("type").asString())
        .isEqualTo("prompt_outputs_failed_validation");
    assertThat(refusal(user, "{\"client_id\":\"x\"}")).isEqualTo("no_prompt");
    assertThat(refusal(user, "{\"prompt\":{\"1\":{\"class_type\":\"NoSuchNode\",\"inputs\":{}}}}"))
        .isEqualTo("invalid_prompt");
    assertThat(
            refusal(
                user,
                "{\"prompt\":{\"4\":{\"class_type\":\"CheckpointLoaderSimple\","
                    + "\"inputs\":{\"ckpt_name\":\"v1-5-pruned-emaonly-fp16.safetensors\"}}}}"))
        .isEqualTo("prompt_no_outputs");
    assertThat(refusal(user, "{\"prompt_id\":\"not-a-uuid\",\"prompt\":{}}"))
        .isEqualTo("invalid_prompt_id");
    tools.jackson.databind.node.ObjectNode noImages = textToImage(20).toJson();
    ((tools.jackson.databind.node.ObjectNode) noImages.path("9").path("inputs")).remove("images");
    JsonNode missing = json(post("/comfy/api/prompt", user.key(), "{\"prompt\":" + noImages + "}"));
    assertThat(missing.path("node_errors").path("9").path("errors").get(0).path("type").asString())
        .isEqualTo("required_input_missing");

    assertThat(comfy.queue().remaining()).isZero();
    assertThat(comfy.history(null, null)).isEmpty();
  }

  @Test
  void anInterruptEndsTheRunningPromptAndTheQueueCanBeClearedAndTrimmed() {
    server(4);
    TestUser user = newUser("USER");
    ComfyClient comfy = client(user.key());
    List<ComfyEvent> heard = new CopyOnWriteArrayList<>();
    String clientId = "interrupting-client";
    listen(comfy, clientId, heard);
    UUID running = UUID.randomUUID();
    comfy.submit(textToImage(400), running, clientId);
    List<UUID> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = UUID.randomUUID();
      waiting.add(id);
      comfy.submit(textToImage(400), id, clientId);
    }
    awaitEvent(
        heard, e -> e instanceof ComfyEvent.Progress p && running.toString().equals(p.promptId()));
    QueueState queue =
        awaitValue(
            comfy::queue,
            q -> q.running().stream().anyMatch(i -> i.promptId().equals(running.toString())),
            Duration.ofSeconds(30),
            "the first prompt running");
    assertThat(queue.remaining()).isEqualTo(4);
    assertThat(queue.pending()).extracting(i -> i.promptId()).contains(waiting.get(2).toString());

    comfy.deleteFromQueue(List.of(waiting.get(0).toString()));
    awaitValue(() -> comfy.queue().remaining(), n -> n == 3, Duration.ofSeconds(30), "queue");
    comfy.interrupt(running.toString());

    awaitEvent(
        heard,
        e ->
            e instanceof ComfyEvent.Executing ex
                && ex.done()
                && running.toString().equals(ex.promptId()));
    assertThat(heard)
        .filteredOn(
            e ->
                e instanceof ComfyEvent.ExecutionInterrupted ei
                    && running.toString().equals(ei.promptId()))
        .hasSize(1);
    HistoryEntry entry = comfy.history(running.toString()).orElseThrow();
    assertThat(entry.statusStr()).isEqualTo("error");
    assertThat(entry.completed()).isFalse();
    assertThat(entry.messages())
        .extracting(HistoryEntry.Message::type)
        .contains("execution_interrupted");
    assertThat(comfy.history(waiting.get(0).toString())).isEmpty();

    comfy.clearQueue();
    comfy.interruptAll();
    awaitValue(() -> comfy.queue().remaining(), n -> n == 0, Duration.ofSeconds(30), "queue");
    assertThat(
            json(get("/api/v1/generations/" + waiting.get(2), user.key()))
                .path("status")
                .asString())
        .isEqualTo("CANCELLED");
  }

  @Test
  void anUploadedImageFeedsALoadImageNodeAndIsViewableAsInput() throws IOException {
    server(40);
    TestUser user = newUser("USER");
    TestUser other = newUser("USER");
    ComfyClient comfy = client(user.key());
    byte[] png = png();

    UploadedFile uploaded = comfy.uploadImage("photo.png", png, "", false);

    assertThat(uploaded.type()).isEqualTo("input");
    assertThat(comfy.view(uploaded.name(), "", "input").bytes()).isEqualTo(png);
    Workflow imageToImage =
        Workflow.fromJson(
            JSON.readTree(
                "{\"10\": {\"class_type\": \"LoadImage\", \"inputs\": {\"image\": \""
                    + uploaded.reference()
                    + "\"}}, \"9\": {\"class_type\": \"SaveImage\", \"inputs\":"
                    + " {\"filename_prefix\": \"copy\", \"images\": [\"10\", 0]}}}"));
    assertThatThrownBy(() -> client(other.key()).submit(imageToImage, UUID.randomUUID(), "c"))
        .isInstanceOfSatisfying(
            ComfyException.PromptRejected.class,
            e ->
                assertThat(e.nodeErrors().get("10").errors().get(0).type())
                    .isEqualTo("custom_validation_failed"));
    List<ComfyEvent> heard = new CopyOnWriteArrayList<>();
    listen(comfy, "uploader", heard);
    UUID promptId = UUID.randomUUID();
    comfy.submit(imageToImage, promptId, "uploader");

    awaitEvent(heard, e -> e instanceof ComfyEvent.Executing ex && ex.done());
    assertThat(comfy.history(promptId.toString()).orElseThrow().succeeded()).isTrue();
  }

  @Test
  void theTokenParameterWorksOnTheSocketAndViewOnlyAndStaysOutOfTheLogs(CapturedOutput output)
      throws Exception {
    server(40);
    TestUser user = newUser("USER");
    ComfyClient comfy = client(user.key());
    List<ComfyEvent> heard = new CopyOnWriteArrayList<>();
    listen(comfy, "token-client", heard);
    List<JsonNode> text = new CopyOnWriteArrayList<>();
    List<ByteBuffer> binary = new CopyOnWriteArrayList<>();
    WebSocket raw =
        HTTP.newWebSocketBuilder()
            .buildAsync(
                URI.create(
                    "ws://127.0.0.1:" + port + "/comfy/ws?clientId=raw-client&token=" + user.key()),
                frames(text, binary))
            .join();
    sockets.add(() -> raw.abort());
    await(() -> !text.isEmpty());
    UUID promptId = UUID.randomUUID();

    comfy.submit(textToImage(30), promptId, "raw-client");

    await(
        () ->
            text.stream()
                .anyMatch(
                    m ->
                        m.path("type").asString().equals("executing")
                            && m.path("data").path("node").isNull()));
    assertThat(text.get(0).path("type").asString()).isEqualTo("status");
    assertThat(text.get(0).path("data").path("sid").asString()).isEqualTo("raw-client");
    // no handshake: previews come as type 1 with the 4-byte format, then the JPEG
    assertThat(binary).isNotEmpty();
    ByteBuffer frame = binary.get(0);
    assertThat(frame.getInt(0)).isEqualTo(1);
    assertThat(frame.getInt(4)).isEqualTo(1);
    assertThat(frame.get(8)).isEqualTo((byte) 0xFF);
    // a socket of another client id hears only the statuses of the caller's queue
    assertThat(heard)
        .allMatch(e -> e instanceof ComfyEvent.Status || e instanceof ComfyEvent.FeatureFlags);

    String file = comfy.history(promptId.toString()).orElseThrow().allImages().get(0).filename();
    HttpResponse<byte[]> view =
        send(
            request("/comfy/view?filename=" + file + "&type=output&subfolder=&token=" + user.key())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(view.statusCode()).isEqualTo(200);
    assertThat(view.body()).startsWith((byte) 0x89, (byte) 'P');
    assertThat(
            send(request("/comfy/api/view?filename=" + file + "&token=" + user.key()).build())
                .statusCode())
        .isEqualTo(200);
    assertThat(send(request("/comfy/history?token=" + user.key()).build()).statusCode())
        .isEqualTo(401);
    assertThat(send(request("/api/v1/generations?token=" + user.key()).build()).statusCode())
        .isEqualTo(401);
    assertThat(
            send(request("/comfy/view?filename=" + UUID.randomUUID() + "-0.png&token=" + user.key())
                    .build())
                .statusCode())
        .isEqualTo(404);
    assertThatThrownBy(
            () ->
                HTTP.newWebSocketBuilder()
                    .buildAsync(
                        URI.create("ws://127.0.0.1:" + port + "/comfy/ws?token=gf_wrong"),
                        frames(text, binary))
                    .join())
        .isInstanceOf(CompletionException.class);
    assertThat(output.getAll()).doesNotContain(user.key());
  }

  @Test
  void thePortOfItsOwnServesTheSameEndpointAtTheRoot() {
    server(20);
    TestUser user = newUser("USER");
    ComfyClient rooted =
        ComfyClient.builder()
            .baseUrl("http://127.0.0.1:" + comfyPort.localPort())
            .bearerToken(user.key())
            .build();
    List<ComfyEvent> heard = new CopyOnWriteArrayList<>();
    listen(rooted, "rooted", heard);
    UUID promptId = UUID.randomUUID();

    rooted.submit(textToImage(5), promptId, "rooted");

    awaitEvent(heard, e -> e instanceof ComfyEvent.Executing ex && ex.done());
    assertThat(rooted.history(promptId.toString()).orElseThrow().succeeded()).isTrue();
    assertThat(rooted.objectInfo("KSampler")).isPresent();
    assertThat(rooted.objectInfo("NoSuchNode")).isEmpty();
    assertThat(rooted.models("checkpoints")).contains("v1-5-pruned-emaonly-fp16.safetensors");
    assertThat(rooted.modelFolders()).contains("checkpoints", "loras");
    assertThat(rooted.embeddings()).contains("easynegative");
    assertThat(rooted.systemStats().devices()).isNotEmpty();
    HttpResponse<String> v1 =
        send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + comfyPort.localPort() + "/api/v1/generations"))
                .header("Authorization", "Bearer " + user.key())
                .build());
    assertThat(v1.statusCode()).isEqualTo(404);
    assertThat(
            send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + comfyPort.localPort() + "/prompt"))
                    .build())
                .statusCode())
        .isEqualTo(401);
  }

  // --- helpers -----------------------------------------------------------------------------

  /** The names of events in order, the final executing as "done". */
  private static final class ComfyViewsOrder {
    static String name(ComfyEvent e) {
      if (e instanceof ComfyEvent.Status) {
        return "status";
      }
      if (e instanceof ComfyEvent.ExecutionStart) {
        return "execution_start";
      }
      if (e instanceof ComfyEvent.ExecutionCached) {
        return "execution_cached";
      }
      if (e instanceof ComfyEvent.Executing) {
        return ((ComfyEvent.Executing) e).done() ? "done" : "executing";
      }
      if (e instanceof ComfyEvent.Progress) {
        return "progress";
      }
      if (e instanceof ComfyEvent.Executed) {
        return "executed";
      }
      if (e instanceof ComfyEvent.ExecutionSuccess) {
        return "execution_success";
      }
      return e.getClass().getSimpleName();
    }
  }

  private String refusal(TestUser user, String body) {
    HttpResponse<String> response = post("/comfy/prompt", user.key(), body);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
    assertThat(json(response).has("node_errors")).isTrue();
    return json(response).path("error").path("type").asString();
  }

  private ComfyClient client(String key) {
    return ComfyClient.builder()
        .baseUrl("http://127.0.0.1:" + port + "/comfy")
        .bearerToken(key)
        .build();
  }

  private void listen(ComfyClient client, String clientId, List<ComfyEvent> into) {
    ComfySession session =
        client.connect(
            clientId,
            new ComfyListener() {
              @Override
              public void onEvent(ComfyEvent event) {
                into.add(event);
              }
            });
    sockets.add(session);
    awaitEvent(into, ComfyEvent.Status.class::isInstance);
  }

  private static void awaitEvent(List<ComfyEvent> events, Predicate<ComfyEvent> match) {
    awaitValue(
        () -> events.stream().anyMatch(match),
        b -> b,
        Duration.ofSeconds(60),
        "event; heard " + events);
  }

  private static WebSocket.Listener frames(List<JsonNode> text, List<ByteBuffer> binary) {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();
      private ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          text.add(JSON.readTree(partial.toString()));
          partial.setLength(0);
        }
        socket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        bytes.writeBytes(chunk);
        if (last) {
          binary.add(ByteBuffer.wrap(bytes.toByteArray()));
          bytes = new ByteArrayOutputStream();
        }
        socket.request(1);
        return null;
      }
    };
  }

  private void server(double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            "comfy-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverIds.add(s.getId());
  }

  private static Workflow textToImage(int steps) {
    return workflow("sd-text-to-image.json").with("3", "steps", steps, null);
  }

  private static Workflow workflow(String resource) {
    try (InputStream in = ComfyEndpointIT.class.getResourceAsStream("/workflows/" + resource)) {
      return Workflow.fromJson(JSON.readTree(in.readAllBytes()).path("workflow"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] png() throws IOException {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    image.setRGB(3, 3, 0xFF0000);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
