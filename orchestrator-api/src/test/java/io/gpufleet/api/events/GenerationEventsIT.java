package io.gpufleet.api.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.FixedEndpointProvider;
import io.gpufleet.api.GpuFleetApplication;
import io.gpufleet.api.IntegrationTest;
import io.gpufleet.api.JsonMessages;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.simulator.comfy.ComfySimulator;
import io.gpufleet.simulator.comfy.ComfySimulatorConfig;
import io.gpufleet.testing.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/** Events reach subscribers of every replica; two replicas dispatch each generation once. */
class GenerationEventsIT extends IntegrationTest {

  private static ConfigurableApplicationContext second;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ExecutorService readers = Executors.newCachedThreadPool();

  @Autowired ServerRepository servers;
  @Autowired JdbcTemplate jdbc;
  @Autowired PgEventChannel channel;
  @Autowired GenerationEventBus bus;

  private final List<ComfySimulator> simulators = new ArrayList<>();
  private final List<UUID> serverIds = new ArrayList<>();

  /** Started after this class's context, so that the first admin is the one tests know. */
  @BeforeEach
  void startSecondReplica() {
    if (second != null) {
      return;
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--server.port=0",
                // Quartz keeps JVM-wide registries by scheduler name: a second "gpufleet" in this
                // JVM would take over the first one's connections and close them with it
                "--spring.quartz.scheduler-name=gpufleet-replica-2",
                "--spring.quartz.properties.org.quartz.scheduler.instanceName=gpufleet-replica-2",
                "--gpufleet.admin.user=" + ADMIN_USER,
                "--gpufleet.admin.password=" + ADMIN_PASSWORD,
                "--gpufleet.admin.api-key=" + ADMIN_KEY));
    TestDatabase.shared().springProperties().forEach((k, v) -> args.add("--" + k + "=" + v));
    second =
        new SpringApplicationBuilder(GpuFleetApplication.class).run(args.toArray(String[]::new));
  }

  @AfterAll
  static void stopSecondReplica() {
    if (second != null) {
      second.close();
      second = null;
    }
  }

  @AfterEach
  void retireServers() {
    readers.shutdownNow();
    try {
      for (UUID id : serverIds) {
        jdbc.update("UPDATE servers SET status = 'DESTROYED' WHERE id = ?", id);
      }
    } finally {
      simulators.forEach(ComfySimulator::close);
    }
  }

  @Test
  void subscribersOfBothReplicasHearProgressAndCompletion() throws Exception {
    awaitListening();
    server("events", 8);
    TestUser user = newUser("USER");
    String id = submit(user, "{\"prompt\":\"a heron\",\"steps\":40}");

    List<String> here = sse(port, id, user.key());
    List<String> there = sse(secondPort(), id, user.key());
    List<JsonNode> socket = new CopyOnWriteArrayList<>();
    WebSocket ws = socketWithTicket(secondPort(), user.key(), socket);
    ws.sendText("{\"type\":\"subscribe\",\"generationIds\":[\"" + id + "\"]}", true).join();

    await(() -> here.contains("event:generation.completed"));
    await(() -> there.contains("event:generation.completed"));
    await(() -> types(socket).contains("generation.completed"));
    for (List<String> stream : List.of(here, there)) {
      assertThat(stream).contains("event:generation.state", "event:generation.progress");
      assertThat(stream.stream().filter(l -> l.startsWith("data:") && l.contains("\"step\"")))
          .isNotEmpty();
    }
    assertThat(types(socket)).contains("subscribed", "generation.state", "generation.progress");
    JsonNode progress =
        socket.stream()
            .filter(m -> m.path("type").asString().equals("generation.progress"))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(progress.path("generationId").asString()).isEqualTo(id);
    assertThat(progress.has("progress")).isTrue();
    assertThat(progress.path("node").has("type")).isTrue();
    ws.abort();
  }

  @Test
  void socketsReachOnlyTheirOwnGenerationsAndTicketsWorkOnce() throws Exception {
    server("owners", 50);
    TestUser owner = newUser("USER");
    TestUser other = newUser("USER");
    String id = submit(owner, "{\"steps\":1}");

    List<JsonNode> messages = new CopyOnWriteArrayList<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .header("Authorization", "Bearer " + other.key())
            .buildAsync(
                URI.create("ws://127.0.0.1:" + port + "/api/v1/ws"), JsonMessages.into(messages))
            .get(10, TimeUnit.SECONDS);
    ws.sendText("{\"type\":\"subscribe\",\"generationIds\":[\"" + id + "\"]}", true).join();
    await(() -> types(messages).contains("subscribed"));
    assertThat(types(messages)).contains("error").doesNotContain("generation.state");
    ws.abort();

    List<JsonNode> admin = new CopyOnWriteArrayList<>();
    WebSocket adminWs = socketWithTicket(port, ADMIN_KEY, admin);
    adminWs.sendText("{\"type\":\"subscribe\",\"generationIds\":[\"" + id + "\"]}", true).join();
    await(() -> types(admin).contains("generation.state"));
    adminWs.abort();

    String ticket = json(post("/api/v1/ws-tickets", owner.key(), "")).path("ticket").asString();
    open(port, "?ticket=" + ticket, new CopyOnWriteArrayList<>()).abort();
    assertThat(refusedHandshake("?ticket=" + ticket)).isEqualTo(401);
    assertThat(refusedHandshake("")).isEqualTo(401);
  }

  @Test
  void theConsoleSessionCookieOpensTheSocketButNotFromAnotherSite() throws Exception {
    HttpResponse<String> login =
        send(
            request("/api/v1/auth/login")
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\""
                            + ADMIN_USER
                            + "\",\"password\":\""
                            + ADMIN_PASSWORD
                            + "\"}"))
                .build());
    assertThat(login.statusCode()).isEqualTo(200);
    String session =
        login.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("JSESSIONID="))
            .map(c -> c.substring(0, c.indexOf(';')))
            .findFirst()
            .orElseThrow();
    URI socket = URI.create("ws://127.0.0.1:" + port + "/api/v1/ws");

    List<JsonNode> messages = new CopyOnWriteArrayList<>();
    WebSocket ws =
        HTTP.newWebSocketBuilder()
            .header("Cookie", session)
            .buildAsync(socket, JsonMessages.into(messages))
            .get(10, TimeUnit.SECONDS);
    ws.sendText("{\"type\":\"subscribe\",\"generationIds\":[\"" + UUID.randomUUID() + "\"]}", true)
        .join();
    await(() -> types(messages).contains("subscribed"));
    assertThat(types(messages)).contains("error");
    ws.abort();

    ExecutionException crossSite =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class,
            () ->
                HTTP.newWebSocketBuilder()
                    .header("Cookie", session)
                    .header("Origin", "http://evil.example")
                    .buildAsync(socket, JsonMessages.into(new CopyOnWriteArrayList<>()))
                    .get(10, TimeUnit.SECONDS));
    assertThat(((WebSocketHandshakeException) crossSite.getCause()).getResponse().statusCode())
        .isEqualTo(403);
  }

  @Test
  void twoReplicasDispatchEveryGenerationExactlyOnce() {
    ComfySimulator a = server("once-a", 40);
    ComfySimulator b = server("once-b", 40);
    TestUser user = newUser("USER");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ids.add(submit(user, "{\"steps\":3}"));
    }

    for (String id : ids) {
      await(() -> status(user, id).equals("COMPLETED"));
      assertThat(generation(user, id).path("attempts").asInt()).isEqualTo(1);
    }
    Set<String> prompts = new HashSet<>();
    for (String id : ids) {
      prompts.add(
          jdbc.queryForObject(
              "SELECT prompt_id::text FROM generations WHERE id = ?::uuid", String.class, id));
    }
    assertThat(prompts).hasSize(10);
    List<String> ran = new ArrayList<>();
    for (ComfySimulator sim : List.of(a, b)) {
      JSON.readTree(
              send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/history")).build()).body())
          .propertyNames()
          .forEach(ran::add);
    }
    assertThat(ran).hasSize(10).containsExactlyInAnyOrderElementsOf(prompts);
  }

  @Test
  void aSubscriberThatDropsResumesAfterTheLastEventItSawOnEitherReplica() throws Exception {
    awaitListening();
    server("resume", 10);
    TestUser user = newUser("USER");
    String id = submit(user, "{\"prompt\":\"a kite\",\"steps\":30}");

    // on the second replica until three progress events, then the connection drops
    List<long[]> first = new ArrayList<>();
    try (InputStream stream = sseStream(secondPort(), id, user.key(), null)) {
      readNumbered(stream, first, 3);
    }
    long lastSeen = first.get(first.size() - 1)[0];
    // on the first replica, resuming after it
    List<long[]> rest = new ArrayList<>();
    try (InputStream stream = sseStream(port, id, user.key(), Long.toString(lastSeen))) {
      readNumbered(stream, rest, Integer.MAX_VALUE);
    }
    List<Long> seen = new ArrayList<>();
    first.forEach(e -> seen.add(e[0]));
    rest.forEach(e -> seen.add(e[0]));
    List<Long> stored =
        jdbc.queryForList(
            "SELECT seq FROM generation_events WHERE subject = ?::uuid AND seq >= ? ORDER BY seq",
            Long.class,
            id,
            first.get(0)[0]);
    System.out.printf(
        "SSE resume: %d events before the drop, %d after, %d stored%n",
        first.size(), rest.size(), stored.size());
    assertThat(seen).as("every stored event once, in order, across the drop").isEqualTo(stored);
    assertThat(status(user, id)).isEqualTo("COMPLETED");

    // the WebSocket resumes the same way from a position
    List<JsonNode> socket = new CopyOnWriteArrayList<>();
    WebSocket ws = socketWithTicket(secondPort(), user.key(), socket);
    ws.sendText(
            "{\"type\":\"subscribe\",\"generationIds\":[\""
                + id
                + "\"],\"after\":"
                + lastSeen
                + "}",
            true)
        .join();
    await(() -> types(socket).contains("generation.completed"));
    assertThat(socket.stream().filter(m -> m.has("seq")).map(m -> m.path("seq").asLong()).toList())
        .isEqualTo(stored.subList(first.size(), stored.size()));
    ws.abort();
  }

  @Test
  void aReplicaWhoseListenerDroppedReplaysWhatWasPublishedMeanwhile() {
    awaitListening();
    PgEventChannel theirs = second.getBean(PgEventChannel.class);
    int reconnectsBefore = theirs.reconnects();
    UUID subject = UUID.randomUUID();
    List<GenerationEvent> heard = new CopyOnWriteArrayList<>();
    Runnable off = second.getBean(GenerationEventBus.class).subscribe(subject, heard::add);
    GenerationEventBus ours = bus;

    jdbc.queryForList(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND query LIKE 'LISTEN%'"
            + " AND pid <> pg_backend_pid()");
    await(() -> !theirs.listening());
    for (int i = 0; i < 20; i++) {
      ours.publish(new GenerationEvent("generation.progress", subject, Map.of("n", i)));
    }
    await(() -> theirs.reconnects() > reconnectsBefore && heard.size() >= 20);
    off.run();

    assertThat(heard.stream().map(e -> e.data().get("n")).toList())
        .as("all twenty, once each, in order")
        .isEqualTo(java.util.stream.IntStream.range(0, 20).boxed().toList());
    assertThat(heard).allSatisfy(e -> assertThat(e.sequence()).isPositive());
  }

  // --- helpers -----------------------------------------------------------------------------

  private void awaitListening() {
    PgEventChannel theirs = second.getBean(PgEventChannel.class);
    await(() -> channel.listening() && theirs.listening());
  }

  private static int secondPort() {
    return ((WebServerApplicationContext) second).getWebServer().getPort();
  }

  /** An SSE stream, resumed after {@code lastEventId} when given. */
  private InputStream sseStream(int port, String id, String key, String lastEventId) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/generations/" + id + "/events"))
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream");
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    return send(request.build(), HttpResponse.BodyHandlers.ofInputStream()).body();
  }

  /**
   * Reads numbered events ({@code [id, isProgress]}) until {@code progressWanted} progress events
   * or the end of the stream.
   */
  private static void readNumbered(InputStream stream, List<long[]> into, int progressWanted)
      throws java.io.IOException {
    java.io.BufferedReader reader =
        new java.io.BufferedReader(
            new java.io.InputStreamReader(stream, java.nio.charset.StandardCharsets.UTF_8));
    String name = "";
    String number = null;
    int progress = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("id:")) {
        number = line.substring(3).strip();
      } else if (line.isEmpty() && !name.isEmpty()) {
        if (number != null) {
          boolean isProgress = name.equals("generation.progress");
          into.add(new long[] {Long.parseLong(number), isProgress ? 1 : 0});
          if (isProgress && ++progress >= progressWanted) {
            return;
          }
        }
        name = "";
        number = null;
      }
    }
  }

  /** Reads an SSE stream in the background; its lines, without spaces after the colon. */
  private List<String> sse(int port, String id, String key) {
    List<String> lines = new CopyOnWriteArrayList<>();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/generations/" + id + "/events"))
            .header("Authorization", "Bearer " + key)
            .header("Accept", "text/event-stream")
            .build();
    readers.execute(
        () -> {
          try {
            HttpResponse<Stream<String>> response =
                HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            response.body().forEach(l -> lines.add(l.replaceFirst("^(event|data):\\s*", "$1:")));
          } catch (Exception e) {
            lines.add("failed:" + e);
          }
        });
    await(() -> lines.contains("event:generation.state"));
    return lines;
  }

  private WebSocket socketWithTicket(int port, String key, List<JsonNode> messages)
      throws Exception {
    HttpResponse<String> issued = post("/api/v1/ws-tickets", key, "");
    assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
    return open(port, "?ticket=" + json(issued).path("ticket").asString(), messages);
  }

  private static WebSocket open(int port, String query, List<JsonNode> messages) throws Exception {
    return HTTP.newWebSocketBuilder()
        .buildAsync(
            URI.create("ws://127.0.0.1:" + port + "/api/v1/ws" + query),
            JsonMessages.into(messages))
        .get(10, TimeUnit.SECONDS);
  }

  private int refusedHandshake(String query) throws Exception {
    try {
      open(port, query, new CopyOnWriteArrayList<>()).abort();
      return 101;
    } catch (ExecutionException e) {
      return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
    }
  }

  private static List<String> types(List<JsonNode> messages) {
    return messages.stream().map(m -> m.path("type").asString()).toList();
  }

  private ComfySimulator server(String name, double stepsPerSecond) {
    ComfySimulator sim =
        ComfySimulator.start(ComfySimulatorConfig.defaults().withStepsPerSecond(stepsPerSecond));
    simulators.add(sim);
    Server s =
        FixedEndpointProvider.runningAt(
            name + "-" + UUID.randomUUID().toString().substring(0, 6), sim.baseUrl());
    servers.save(s);
    serverIds.add(s.getId());
    return sim;
  }

  private String submit(TestUser user, String body) {
    HttpResponse<String> created = post("/api/v1/generations", user.key(), body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return json(created).path("id").asString();
  }

  private JsonNode generation(TestUser user, String id) {
    return json(get("/api/v1/generations/" + id, user.key()));
  }

  private String status(TestUser user, String id) {
    return generation(user, id).path("status").asString();
  }
}
