package io.gpufleet.comfy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebSocketEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private final MockWebServer server = new MockWebServer();
  private final BlockingQueue<WebSocket> peers = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private ComfyClient client;

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getLoopbackAddress(), 0);
    client =
        ComfyClient.builder()
            .baseUrl(server.url("/").toString())
            .reconnect(new ReconnectPolicy(2, Duration.ofMillis(10), Duration.ofMillis(20)))
            .build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void acceptSocket() {
    server.enqueue(
        new MockResponse.Builder()
            .webSocketUpgrade(
                new WebSocketListener() {
                  @Override
                  public void onOpen(WebSocket webSocket, Response response) {
                    peers.add(webSocket);
                  }

                  @Override
                  public void onMessage(WebSocket webSocket, String text) {
                    received.add(text);
                  }

                  @Override
                  public void onClosing(WebSocket webSocket, int code, String reason) {
                    webSocket.close(1000, null);
                  }
                })
            .build());
  }

  private WebSocket peer() throws InterruptedException {
    WebSocket ws = peers.poll(10, TimeUnit.SECONDS);
    assertThat(ws).isNotNull();
    return ws;
  }

  @Test
  void everyMessageTypeBecomesATypedEvent() throws Exception {
    acceptSocket();
    RecordingListener events = new RecordingListener();
    ComfySession session = client.connect(events);
    WebSocket peer = peer();
    assertThat(received.poll(10, TimeUnit.SECONDS))
        .contains("feature_flags", "supports_preview_metadata");
    assertThat(server.takeRequest().getTarget()).isEqualTo("/ws?clientId=" + session.clientId());

    peer.send(
        "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":2}},\"sid\":\"abc\"}}");
    peer.send("{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}");
    peer.send("{\"type\":\"execution_start\",\"data\":{\"prompt_id\":\"p\",\"timestamp\":17}}");
    peer.send(
        "{\"type\":\"execution_cached\",\"data\":{\"nodes\":[\"4\"],\"prompt_id\":\"p\",\"timestamp\":18}}");
    peer.send(
        "{\"type\":\"executing\",\"data\":{\"node\":\"3\",\"display_node\":\"3\",\"prompt_id\":\"p\"}}");
    peer.send(
        "{\"type\":\"progress\",\"data\":{\"value\":1,\"max\":20,\"prompt_id\":\"p\",\"node\":\"3\"}}");
    peer.send(
        "{\"type\":\"progress_state\",\"data\":{\"prompt_id\":\"p\",\"nodes\":{\"3\":{\"value\":1.0,\"max\":20,\"state\":\"running\"}}}}");
    peer.send(
        "{\"type\":\"executed\",\"data\":{\"node\":\"9\",\"display_node\":\"9\",\"output\":{\"images\":[{\"filename\":\"a.png\",\"subfolder\":\"\",\"type\":\"output\"}]},\"prompt_id\":\"p\"}}");
    peer.send("{\"type\":\"execution_success\",\"data\":{\"prompt_id\":\"p\",\"timestamp\":19}}");
    peer.send(
        "{\"type\":\"execution_error\",\"data\":{\"prompt_id\":\"p\",\"node_id\":\"3\",\"node_type\":\"KSampler\",\"executed\":[\"4\"],\"exception_message\":\"Allocation on device\",\"exception_type\":\"torch.OutOfMemoryError\",\"traceback\":[\"t\"],\"current_inputs\":{},\"current_outputs\":[]}}");
    peer.send(
        "{\"type\":\"execution_interrupted\",\"data\":{\"prompt_id\":\"p\",\"node_id\":\"3\",\"node_type\":\"KSampler\",\"executed\":[]}}");
    peer.send("{\"type\":\"executing\",\"data\":{\"node\":null,\"prompt_id\":\"p\"}}");
    peer.send("{\"type\":\"crystools.monitor\",\"data\":{\"x\":1}}");
    byte[] jpeg = {(byte) 0xff, (byte) 0xd8, 1};
    peer.send(
        ByteString.of(ByteBuffer.allocate(8 + jpeg.length).putInt(1).putInt(1).put(jpeg).array()));
    byte[] meta =
        "{\"node_id\":\"3\",\"prompt_id\":\"p\",\"image_type\":\"image/png\"}"
            .getBytes(StandardCharsets.UTF_8);
    peer.send(
        ByteString.of(
            ByteBuffer.allocate(8 + meta.length + 2)
                .putInt(4)
                .putInt(meta.length)
                .put(meta)
                .put(new byte[] {7, 8})
                .array()));

    assertThat(events.await(ComfyEvent.Status.class, s -> true, WAIT))
        .isEqualTo(new ComfyEvent.Status(2, "abc"));
    assertThat(
            events
                .await(ComfyEvent.FeatureFlags.class, f -> true, WAIT)
                .flags()
                .path("supports_preview_metadata")
                .asBoolean())
        .isTrue();
    assertThat(events.await(ComfyEvent.ExecutionStart.class, e -> true, WAIT))
        .isEqualTo(new ComfyEvent.ExecutionStart("p", 17L));
    assertThat(events.await(ComfyEvent.ExecutionCached.class, e -> true, WAIT).nodes())
        .containsExactly("4");
    assertThat(events.await(ComfyEvent.Executing.class, e -> true, WAIT))
        .isEqualTo(new ComfyEvent.Executing("p", "3", "3"));
    assertThat(events.await(ComfyEvent.Progress.class, e -> true, WAIT))
        .isEqualTo(new ComfyEvent.Progress("p", "3", 1, 20));
    assertThat(
            events.await(ComfyEvent.ProgressState.class, e -> true, WAIT).nodes().get("3").state())
        .isEqualTo("running");
    assertThat(events.await(ComfyEvent.Executed.class, e -> true, WAIT).images())
        .containsExactly(new OutputFile("a.png", "", "output"));
    assertThat(events.await(ComfyEvent.ExecutionSuccess.class, e -> true, WAIT).timestamp())
        .isEqualTo(19L);
    ComfyEvent.ExecutionError error =
        events.await(ComfyEvent.ExecutionError.class, e -> true, WAIT);
    assertThat(error.outOfMemory()).isTrue();
    assertThat(error.nodeType()).isEqualTo("KSampler");
    assertThat(events.await(ComfyEvent.ExecutionInterrupted.class, e -> true, WAIT).nodeId())
        .isEqualTo("3");
    assertThat(events.await(ComfyEvent.Executing.class, e -> true, WAIT).done()).isTrue();
    assertThat(events.await(ComfyEvent.Unknown.class, e -> true, WAIT).type())
        .isEqualTo("crystools.monitor");
    ComfyEvent.Preview classic = events.await(ComfyEvent.Preview.class, e -> true, WAIT);
    assertThat(classic.mediaType()).isEqualTo("image/jpeg");
    assertThat(classic.image()).containsExactly(jpeg);
    ComfyEvent.Preview withMeta = events.await(ComfyEvent.Preview.class, e -> true, WAIT);
    assertThat(withMeta.mediaType()).isEqualTo("image/png");
    assertThat(withMeta.promptId()).isEqualTo("p");
    assertThat(withMeta.image()).containsExactly(7, 8);
    session.close();
    assertThat(events.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("closed by client");
  }

  @Test
  void reconnectsWithTheSameClientIdAfterADrop() throws Exception {
    acceptSocket();
    acceptSocket();
    RecordingListener events = new RecordingListener();
    ComfySession session = client.connect(events);
    String first = events.awaitConnected(WAIT);
    peer().close(1001, "restart");

    String second = events.awaitConnected(WAIT);

    assertThat(second).isEqualTo(first).isEqualTo(session.clientId());
    assertThat(events.reconnectAttempts).containsExactly(1);
    server.takeRequest();
    assertThat(server.takeRequest().getTarget()).isEqualTo("/ws?clientId=" + first);
    session.close();
  }

  @Test
  void givesUpAfterTheConfiguredAttempts() throws Exception {
    acceptSocket();
    RecordingListener events = new RecordingListener();
    ComfySession session = client.connect(events);
    events.awaitConnected(WAIT);
    server.close();

    String reason = events.closes.poll(10, TimeUnit.SECONDS);

    assertThat(reason).startsWith("server gone");
    assertThat(events.gone).hasSize(1);
    assertThat(events.reconnectAttempts).containsExactly(1, 2);
    assertThat(session.state()).isEqualTo(ComfySession.State.CLOSED);
  }
}
