package io.gpufleet.api.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.JsonMessages;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.simulator.sandbox.SandboxFleet;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * What a seed's client does, in v1 terms: uploads, submissions, waits, downloads, sockets, and the
 * servers a flow needs (a ComfyUI simulator registered by hand, which is instant, or a server
 * rented from the sandbox's Vast.ai and set up over SSH). Everything a test made is given back
 * after it, so that no server of one test takes another test's generations.
 */
abstract class AcceptanceTest extends IntegrationTest {

  static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "CANCELLED");
  private static final HttpClient SOCKETS = HttpClient.newHttpClient();

  @Autowired ServerRepository serverRepository;
  @Autowired JdbcTemplate jdbc;
  @Autowired SandboxFleet sandbox;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> fixedServers = new ArrayList<>();
  private final List<String> rentedServers = new ArrayList<>();
  private final List<WebSocket> sockets = new ArrayList<>();
  protected final List<String> submitted = new CopyOnWriteArrayList<>();

  @AfterEach
  void giveEverythingBack() {
    sockets.forEach(WebSocket::abort);
    for (String id : submitted) {
      post("/api/v1/generations/" + id + "/cancel", ADMIN_KEY, "");
    }
    try {
      // by SQL: probes and the reconciler keep touching these rows
      for (UUID id : fixedServers) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
      for (String id : rentedServers) {
        method("DELETE", "/api/v1/servers/" + id, ADMIN_KEY, null);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  // --- servers

  /** A running, healthy ComfyUI simulator in the fleet at once (no rent, no setup). */
  protected Fixed fixedServer(String name, double stepsPerSecond) {
    return fixedServer(name, stepsPerSecond, sim -> {});
  }

  /** The same, with the simulator prepared (models added…) before the fleet first reads it. */
  protected Fixed fixedServer(
      String name, double stepsPerSecond, Consumer<ComfySimulator> prepare) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    prepare.accept(sim);
    Server s = FixedEndpointProvider.runningAt(unique(name), sim.baseUrl());
    serverRepository.save(s);
    fixedServers.add(s.getId());
    return new Fixed(s.getId().toString(), sim);
  }

  /** A fixed server and its simulator. */
  protected record Fixed(String id, ComfySimulator comfy) {}

  /** Rents a sandbox server (Vast.ai simulator, setup over SSH) and waits until it is usable. */
  protected String rentAndSetUp(String name) {
    String id = rent("{\"name\":\"" + unique(name) + "\",\"gpu\":\"RTX 4090\"}");
    awaitUsable(id);
    return id;
  }

  /** {@code POST /servers} with the body; answers the new server's id, given back afterwards. */
  protected String rent(String body) {
    HttpResponse<String> created = post("/api/v1/servers", ADMIN_KEY, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = json(created).path("id").asString();
    rentedServers.add(id);
    return id;
  }

  protected void awaitUsable(String id) {
    awaitValue(
        () -> json(get("/api/v1/servers/" + id, ADMIN_KEY)),
        s -> s.path("setUp").asBoolean() && "HEALTHY".equals(s.path("health").asString()),
        Duration.ofSeconds(120),
        "server " + id + " set up and healthy");
  }

  /** The ComfyUI simulator behind a rented sandbox server. */
  protected ComfySimulator comfyOfRented(String serverId) {
    long vastId = json(get("/api/v1/servers/" + serverId, ADMIN_KEY)).path("vastId").asLong();
    return sandbox.comfyOf(vastId).orElseThrow();
  }

  // --- users

  /** A user whose generation bands do not get in a flow's way. */
  protected TestUser userWithRoom() {
    return userWithLimits("{\"generationsPerMinute\":200,\"generationsPerHour\":2000}");
  }

  // --- generations

  /** {@code POST /generations}, expecting 202; answers the body. */
  protected JsonNode submit(String key, String body) {
    HttpResponse<String> created = post("/api/v1/generations", key, body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    JsonNode view = json(created);
    submitted.add(view.path("id").asString());
    return view;
  }

  protected JsonNode generation(String key, String id) {
    return json(get("/api/v1/generations/" + id, key));
  }

  protected JsonNode awaitFinal(String key, String id) {
    return awaitValue(
        () -> generation(key, id),
        g -> FINAL.contains(g.path("status").asString()),
        Duration.ofSeconds(120),
        "generation " + id + " ending");
  }

  protected JsonNode awaitCompleted(String key, String id) {
    JsonNode done = awaitFinal(key, id);
    assertThat(done.path("status").asString()).as(done.toString()).isEqualTo("COMPLETED");
    return done;
  }

  /** A downloaded file: its bytes and content type. */
  protected record Download(int status, String contentType, byte[] bytes) {
    BufferedImage image() {
      try {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(img).as("a decodable image").isNotNull();
        return img;
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  protected Download download(String key, String url) {
    HttpResponse<byte[]> r =
        send(
            request(url).header("Authorization", "Bearer " + key).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    return new Download(
        r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  // --- uploads

  /** {@code POST /uploads} as multipart with one {@code file} part. */
  protected HttpResponse<String> upload(
      String key, String filename, byte[] bytes, @Nullable String sessionId) {
    String boundary = "acceptance-" + UUID.randomUUID();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
            + filename
            + "\"\r\nContent-Type: image/png\r\n\r\n";
    body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    body.writeBytes(bytes);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return send(
        request("/api/v1/uploads" + (sessionId == null ? "" : "?sessionId=" + sessionId))
            .header("Authorization", "Bearer " + key)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build());
  }

  /** A real photo-like PNG of that size: a gradient with a disc, not a blank square. */
  static byte[] png(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      for (int x = 0; x < width; x++) {
        g.setColor(new Color(40 + 200 * x / width, 90, 200 - 150 * x / width));
        g.drawLine(x, 0, x, height);
      }
      g.setColor(Color.ORANGE);
      g.fillOval(width / 4, height / 4, width / 2, height / 2);
    } finally {
      g.dispose();
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // --- workflows

  /** The id of the workflow of that name (the shipped ones are stored at startup). */
  protected String workflowId(String key, String name) {
    for (JsonNode w : json(get("/api/v1/workflows", key))) {
      if (name.equals(w.path("name").asString())) {
        return w.path("id").asString();
      }
    }
    throw new AssertionError("no workflow named " + name);
  }

  // --- the socket

  /** A WebSocket on {@code /api/v1/ws} opened with a one-time ticket, as a browser would. */
  protected WebSocket socket(String key, List<JsonNode> heard) {
    HttpResponse<String> ticket = post("/api/v1/ws-tickets", key, "");
    assertThat(ticket.statusCode()).as(ticket.body()).isIn(200, 201);
    try {
      WebSocket ws =
          SOCKETS
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:"
                          + port
                          + "/api/v1/ws?ticket="
                          + json(ticket).path("ticket").asString()),
                  JsonMessages.into(heard))
              .get(10, TimeUnit.SECONDS);
      sockets.add(ws);
      return ws;
    } catch (Exception e) {
      throw new AssertionError("the socket did not open", e);
    }
  }

  /** The messages heard about one generation, of one type. */
  static List<JsonNode> heard(List<JsonNode> heard, String generationId, String type) {
    return heard.stream()
        .filter(m -> generationId.equals(m.path("generationId").asString()))
        .filter(m -> type.equals(m.path("type").asString()))
        .toList();
  }

  static String typeOf(JsonNode message) {
    return message.path("type").asString();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
  }
}
