package io.gpufleet.comfy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The contract suite against a scripted MockWebServer that answers like ComfyUI 0.3.64. */
class ComfyStubContractTest extends ComfyContract {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String CKPT = "v1-5-pruned-emaonly-fp16.safetensors";
  private final MockWebServer server = new MockWebServer();
  private final Map<String, WebSocket> sockets = new ConcurrentHashMap<>();
  private final Map<String, String> history = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Script());
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    sockets.values().forEach(ws -> ws.close(1001, "bye"));
    server.close();
  }

  @Override
  protected String baseUrl() {
    return server.url("/").toString();
  }

  private final class Script extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      switch (request.getMethod() + " " + (path.startsWith("/history/") ? "/history/*" : path)) {
        case "GET /ws":
          String clientId = request.getUrl().queryParameter("clientId");
          return new MockResponse.Builder().webSocketUpgrade(new Peer(clientId)).build();
        case "GET /object_info":
        case "GET /object_info/CheckpointLoaderSimple":
          return json(200, objectInfo());
        case "POST /prompt":
          return prompt(JSON.readTree(request.getBody().utf8()));
        case "GET /history/*":
          String id = path.substring("/history/".length());
          String entry = history.get(id);
          return json(200, entry == null ? "{}" : "{\"" + id + "\":" + entry + "}");
        case "GET /view":
          return new MockResponse.Builder()
              .addHeader("Content-Type", "image/png")
              .body(new Buffer().write(png()))
              .build();
        case "GET /queue":
          return json(200, "{\"queue_running\":[],\"queue_pending\":[]}");
        case "GET /prompt":
          return json(200, "{\"exec_info\":{\"queue_remaining\":0}}");
        case "POST /interrupt":
        case "POST /free":
          return new MockResponse.Builder().code(200).build();
        default:
          return new MockResponse.Builder().code(404).body("404: Not Found").build();
      }
    }

    private MockResponse prompt(JsonNode body) {
      String ckpt = body.path("prompt").path("4").path("inputs").path("ckpt_name").asString("");
      if (!CKPT.equals(ckpt)) {
        return json(
            400,
            "{\"error\":{\"type\":\"prompt_outputs_failed_validation\",\"message\":\"Prompt outputs failed validation\",\"details\":\"\",\"extra_info\":{}},"
                + "\"node_errors\":{\"4\":{\"errors\":[{\"type\":\"value_not_in_list\",\"message\":\"Value not in list\",\"details\":\"ckpt_name: '"
                + ckpt
                + "' not in ['"
                + CKPT
                + "']\","
                + "\"extra_info\":{\"input_name\":\"ckpt_name\",\"received_value\":\""
                + ckpt
                + "\"}}],\"dependent_outputs\":[\"9\"],\"class_type\":\"CheckpointLoaderSimple\"}}}");
      }
      String id = body.path("prompt_id").asString();
      String images =
          "{\"images\":[{\"filename\":\"ComfyUI_00001_.png\",\"subfolder\":\"\",\"type\":\"output\"}]}";
      history.put(
          id,
          "{\"outputs\":{\"9\":"
              + images
              + "},\"status\":{\"status_str\":\"success\",\"completed\":true,\"messages\":[]}}");
      WebSocket ws = sockets.get(body.path("client_id").asString(""));
      if (ws != null) {
        ws.send(
            "{\"type\":\"execution_start\",\"data\":{\"prompt_id\":\""
                + id
                + "\",\"timestamp\":1}}");
        ws.send(
            "{\"type\":\"executing\",\"data\":{\"node\":\"3\",\"display_node\":\"3\",\"prompt_id\":\""
                + id
                + "\"}}");
        ws.send(
            "{\"type\":\"executed\",\"data\":{\"node\":\"9\",\"display_node\":\"9\",\"output\":"
                + images
                + ",\"prompt_id\":\""
                + id
                + "\"}}");
        ws.send(
            "{\"type\":\"execution_success\",\"data\":{\"prompt_id\":\""
                + id
                + "\",\"timestamp\":2}}");
        ws.send("{\"type\":\"executing\",\"data\":{\"node\":null,\"prompt_id\":\"" + id + "\"}}");
      }
      return json(200, "{\"prompt_id\":\"" + id + "\",\"number\":0,\"node_errors\":{}}");
    }
  }

  private final class Peer extends WebSocketListener {
    private final String clientId;

    Peer(String clientId) {
      this.clientId = clientId;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      sockets.put(clientId, webSocket);
      webSocket.send(
          "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},\"sid\":\""
              + clientId
              + "\"}}");
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      sockets.remove(clientId);
      webSocket.close(1000, null);
    }
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .addHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  private static String objectInfo() {
    String loader =
        "\"CheckpointLoaderSimple\":{\"input\":{\"required\":{\"ckpt_name\":[[\""
            + CKPT
            + "\"],{}]}},\"output\":[\"MODEL\",\"CLIP\",\"VAE\"],\"output_node\":false}";
    return "{"
        + loader
        + ",\"KSampler\":{\"input\":{\"required\":{\"seed\":[\"INT\",{\"min\":0,\"max\":18446744073709551615}],\"sampler_name\":[[\"euler\"],{}]}},\"output\":[\"LATENT\"],\"output_node\":false}"
        + ",\"CLIPTextEncode\":{\"input\":{},\"output\":[\"CONDITIONING\"]},\"EmptyLatentImage\":{\"input\":{},\"output\":[\"LATENT\"]}"
        + ",\"VAEDecode\":{\"input\":{},\"output\":[\"IMAGE\"]},\"SaveImage\":{\"input\":{},\"output\":[],\"output_node\":true}}";
  }

  private static byte[] png() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(new BufferedImage(512, 512, BufferedImage.TYPE_INT_RGB), "png", out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
