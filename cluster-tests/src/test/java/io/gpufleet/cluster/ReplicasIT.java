package io.gpufleet.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.cluster.EventStream.Event;
import io.gpufleet.cluster.Replicas.Member;
import io.gpufleet.simulator.comfy.ComfySimulator;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two replicas of the built jar as real processes on one PostgreSQL, with eight ComfyUI simulators
 * registered as servers: what only several processes show. One database and one pair of processes
 * serve every scenario (in order: the kill comes last). Counts go to the test output.
 *
 * <p>{@code -Dreplicas.generations=1000} raises the first scenario's count (200 in the build).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

  private static final int GENERATIONS = Integer.getInteger("replicas.generations", 200);
  private static final String OPEN_LIMITS =
      "{\"generationsPerMinute\":100000,\"generationsPerHour\":100000,"
          + "\"generationsPerDay\":100000,\"requestsPerMinute\":100000,\"requestsPerHour\":100000}";

  /** The replicas' data directories and logs, kept after the run for a look (CI artifacts). */
  private static final Path DIR = Path.of("target", "replicas-it");

  private Replicas cluster;
  private final String run = UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  void start() throws IOException {
    deleteRecursively(DIR);
    long started = System.nanoTime();
    cluster = Replicas.start(2, 8, DIR);
    System.out.printf(
        "Replicas: %s up on one PostgreSQL with %d registered simulators in %.1f s%n",
        cluster.members.stream()
            .map(m -> m.name() + " (port " + m.process().port() + ", " + m.id() + ")")
            .collect(Collectors.joining(", ")),
        cluster.serverIds.size(),
        (System.nanoTime() - started) / 1e9);
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void generationsSubmittedThroughBothReplicasRunOnceEach() throws Exception {
    List<Api> users = new ArrayList<>();
    for (int u = 0; u < 4; u++) {
      users.add(admin(u % 2).newUser("load-" + run + "-" + u, OPEN_LIMITS));
    }
    long started = System.nanoTime();
    Map<String, String> byTag = submitAll(users, GENERATIONS);
    awaitEnded(byTag.values(), Duration.ofSeconds(60 + GENERATIONS / 2));
    double seconds = (System.nanoTime() - started) / 1e9;

    Map<String, Long> statuses = statuses(byTag.values());
    Map<String, Long> dispatchers = countBy("dispatched_by", byTag.values());
    Map<String, Long> attempts = countBy("attempts::text", byTag.values());
    Map<String, Integer> runs = SimulatorRuns.byTag(cluster.fleet.simulators());
    Map<Integer, Long> runsPerGeneration =
        byTag.keySet().stream()
            .collect(
                Collectors.groupingBy(
                    t -> runs.getOrDefault(t, 0), TreeMap::new, Collectors.counting()));
    System.out.printf(
        "a. %d generations submitted alternately through A and B: %s; dispatched by %s;"
            + " attempts %s; runs on the simulators per generation %s; %.1f s (%.1f/s)%n",
        GENERATIONS,
        statuses,
        named(dispatchers),
        attempts,
        runsPerGeneration,
        seconds,
        GENERATIONS / seconds);

    assertThat(statuses)
        .as("every one completed")
        .isEqualTo(Map.of("COMPLETED", (long) GENERATIONS));
    assertThat(runsPerGeneration)
        .as("each ran once: none lost, none twice")
        .isEqualTo(Map.of(1, (long) GENERATIONS));
    assertThat(attempts).isEqualTo(Map.of("1", (long) GENERATIONS));
    for (Member m : cluster.members) {
      // one settlement per generation per replica: concurrent ones raced on the spool's files
      assertThat(Files.readString(m.process().log()))
          .as("replica %s's log", m.name())
          .doesNotContain("Settling a generation failed", "did not take");
    }
    assertThat(dispatchers.keySet())
        .as("both replicas dispatched")
        .containsExactlyInAnyOrderElementsOf(cluster.members.stream().map(Member::id).toList());
  }

  @Test
  @Order(2)
  void aUsersBandHoldsWhicheverReplicaIsAsked() {
    Api user =
        admin(0)
            .newUser(
                "banded-" + run,
                "{\"generationsPerMinute\":10,\"requestsPerMinute\":1000,\"requestsPerHour\":10000}");
    int[] accepted = new int[2];
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> answer = submit(on(user, i % 2), "band-" + i);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
      accepted[i % 2]++;
    }
    List<String> refusals = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      HttpResponse<String> answer = submit(on(user, r), "band-" + (10 + r));
      assertThat(answer.statusCode()).as("the %dth, on %s", 11 + r, name(r)).isEqualTo(429);
      assertThat(Api.json(answer).path("code").asString()).isEqualTo("RATE_LIMITED");
      assertThat(answer.headers().firstValue("Retry-After")).isPresent();
      refusals.add(name(r) + " 429 " + Api.json(answer).path("band").asString());
    }
    System.out.printf(
        "b. a band of 10/min: accepted A=%d B=%d, then %s%n", accepted[0], accepted[1], refusals);
  }

  @Test
  @Order(3)
  void aSubscriberOnOneReplicaSeesEveryEventOfAGenerationTheOtherRuns() throws Exception {
    Api user = admin(0).newUser("watcher-" + run, OPEN_LIMITS);
    ComfySimulator sim = cluster.fleet.simulators().get(0);
    String server = cluster.serverIds.get(0);
    double speed = sim.stepsPerSecond();
    // a first prompt hangs on the server, so that ours waits in its queue with no event yet
    sim.hang();
    sim.setStepsPerSecond(10);
    String blocker = id(submit(user, "sse-0", 4, server));
    awaitRunning(blocker);
    String watched = id(submit(on(user, 1), "sse-1", 30, server));
    awaitRunning(watched);
    Member dispatcher = cluster.member(dispatchedBy(watched));
    Member subscriber = cluster.members.get(1 - cluster.members.indexOf(dispatcher));
    assertThat(
            cluster.count(
                "SELECT count(*) FROM generation_events WHERE subject = ?::uuid"
                    + " AND type = 'generation.progress'",
                watched))
        .as("no progress before we listen")
        .isZero();

    List<Event> before = new CopyOnWriteArrayList<>();
    CountDownLatch subscribed = new CountDownLatch(1);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    Api onSubscriber = new Api(subscriber.process(), user.key());
    Future<?> first;
    try {
      first =
          reader.submit(
              () -> {
                try (InputStream stream = onSubscriber.events(watched, null)) {
                  EventStream.read(stream, before, 4, subscribed::countDown);
                }
                return null;
              });
      assertThat(subscribed.await(30, TimeUnit.SECONDS)).as("the stream opened").isTrue();
      sim.resume();
      first.get(60, TimeUnit.SECONDS); // four progress events, then the connection drops
    } finally {
      reader.shutdownNow();
    }
    long lastSeen = before.get(before.size() - 1).seq();
    // events go on while nobody listens
    Replicas.await(
        () ->
            cluster.count(
                    "SELECT count(*) FROM generation_events WHERE subject = ?::uuid AND seq > ?",
                    watched,
                    lastSeen)
                >= 3,
        "events while the subscriber is away",
        Duration.ofSeconds(30));
    List<Event> after = new ArrayList<>();
    try (InputStream stream = onSubscriber.events(watched, lastSeen)) {
      EventStream.read(stream, after, Integer.MAX_VALUE, () -> {});
    }
    sim.setStepsPerSecond(speed);

    List<Long> seen = new ArrayList<>();
    before.forEach(e -> seen.add(e.seq()));
    after.forEach(e -> seen.add(e.seq()));
    List<Long> stored =
        cluster
            .rows(
                "SELECT seq FROM generation_events WHERE subject = ?::uuid AND seq >= ?"
                    + " ORDER BY seq",
                watched,
                before.get(0).seq())
            .stream()
            .map(r -> ((Number) r.get("seq")).longValue())
            .toList();
    long progressStored =
        cluster.count(
            "SELECT count(*) FROM generation_events WHERE subject = ?::uuid"
                + " AND type = 'generation.progress'",
            watched);
    long progressSeen =
        before.stream().filter(Event::progress).count()
            + after.stream().filter(Event::progress).count();
    System.out.printf(
        "c. generation dispatched by %s, watched on %s: %d events before the drop, %d after"
            + " resuming with Last-Event-ID %d; %d of %d stored progress events seen; ends %s%n",
        dispatcher.name(),
        subscriber.name(),
        before.size(),
        after.size(),
        lastSeen,
        progressSeen,
        progressStored,
        after.isEmpty() ? "?" : after.get(after.size() - 1).type());
    assertThat(seen).as("every stored event once, in order, across the drop").isEqualTo(stored);
    assertThat(progressSeen).as("every progress event").isEqualTo(progressStored);
    assertThat(after).last().extracting(Event::type).isEqualTo("generation.completed");
  }

  @Test
  @Order(4)
  void theSurvivorOfAKillFinishesTheDeadReplicasGenerationsOnce() throws Exception {
    // two users: each may have ten generations running at once
    List<Api> users =
        List.of(
            admin(1).newUser("orphans-" + run + "-0", OPEN_LIMITS),
            admin(1).newUser("orphans-" + run + "-1", OPEN_LIMITS));
    Member victim = cluster.members.get(1);
    Member survivor = cluster.members.get(0);
    cluster.fleet.simulators().forEach(s -> s.setStepsPerSecond(8));
    Map<String, String> byTag = new LinkedHashMap<>();
    for (int i = 0; i < 16; i++) {
      String tag = "kill-" + i;
      byTag.put(tag, id(submit(on(users.get(i % 2), 1), tag, 24, null)));
    }
    // late binding: a server takes one running and one waiting, the rest stay in the platform's
    // queue; at least one on each server, posted, some of them followed by the victim
    Replicas.await(
        () ->
            cluster.count(
                        "SELECT count(*) FROM generations WHERE id::text = ANY(?)"
                            + " AND status = 'RUNNING' AND submitted",
                        (Object) byTag.values().toArray(String[]::new))
                    >= cluster.fleet.simulators().size()
                && cluster.count(
                        "SELECT count(*) FROM generations WHERE id::text = ANY(?)"
                            + " AND status = 'RUNNING' AND submitted AND dispatched_by = ?",
                        byTag.values().toArray(String[]::new),
                        victim.id())
                    > 0,
        "a generation running on every server, some followed by the victim",
        Duration.ofSeconds(60));
    long orphans =
        cluster.count(
            "SELECT count(*) FROM generations WHERE id::text = ANY(?) AND status = 'RUNNING'"
                + " AND dispatched_by = ?",
            byTag.values().toArray(String[]::new),
            victim.id());
    assertThat(orphans).as("generations the victim was following").isPositive();

    victim.process().kill();
    long killed = System.nanoTime();
    awaitEnded(byTag.values(), Duration.ofSeconds(120));
    double seconds = (System.nanoTime() - killed) / 1e9;
    cluster.fleet.simulators().forEach(s -> s.setStepsPerSecond(30));

    Map<String, Long> statuses = statuses(byTag.values());
    Map<String, Integer> runs = SimulatorRuns.byTag(cluster.fleet.simulators());
    Map<Integer, Long> runsPerGeneration =
        byTag.keySet().stream()
            .collect(
                Collectors.groupingBy(
                    t -> runs.getOrDefault(t, 0), TreeMap::new, Collectors.counting()));
    System.out.printf(
        "d. kill -9 of %s following %d of 16 running generations: %s all ended %.1f s after the"
            + " kill (stale after %d s), %s; runs per generation %s%n",
        victim.name(),
        orphans,
        survivor.name(),
        seconds,
        Replicas.STALE_AFTER.toSeconds(),
        statuses,
        runsPerGeneration);
    assertThat(statuses).isEqualTo(Map.of("COMPLETED", 16L));
    assertThat(runsPerGeneration).as("none ran twice").isEqualTo(Map.of(1, 16L));
    assertThat(
            Api.json(
                    new Api(survivor.process(), users.get(0).key())
                        .get("/api/v1/generations/" + byTag.values().iterator().next()))
                .path("status")
                .asString())
        .isEqualTo("COMPLETED");
  }

  // --- helpers -----------------------------------------------------------------------------

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private Api admin(int replica) {
    return cluster.members.get(replica).api();
  }

  private Api on(Api user, int replica) {
    return new Api(cluster.members.get(replica).process(), user.key());
  }

  private String name(int replica) {
    return cluster.members.get(replica).name();
  }

  private static HttpResponse<String> submit(Api user, String tag) {
    return submit(user, tag, 2, null);
  }

  private static HttpResponse<String> submit(
      Api user, String tag, int steps, @Nullable String pinnedServer) {
    return user.post(
        "/api/v1/generations",
        "{\"prompt\":\"a lighthouse ["
            + tag
            + "]\",\"steps\":"
            + steps
            + ",\"width\":64,\"height\":64,\"seed\":"
            + Math.abs(tag.hashCode())
            + (pinnedServer == null ? "" : ",\"serverId\":\"" + pinnedServer + "\"")
            + "}");
  }

  private static String id(HttpResponse<String> answer) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    return Api.json(answer).path("id").asString();
  }

  /** Submits {@code n} generations from four threads, alternating replicas and users. */
  private Map<String, String> submitAll(List<Api> users, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Api user = on(users.get(i % users.size()), i % 2);
        String tag = "load-" + i;
        ids.add(pool.submit(() -> id(submit(user, tag))));
      }
      Map<String, String> byTag = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        byTag.put("load-" + i, ids.get(i).get(2, TimeUnit.MINUTES));
      }
      return byTag;
    } finally {
      pool.shutdownNow();
    }
  }

  private void awaitRunning(String id) {
    Replicas.await(
        () ->
            cluster.count(
                    "SELECT count(*) FROM generations WHERE id = ?::uuid AND submitted"
                        + " AND status = 'RUNNING'",
                    id)
                == 1,
        id + " posted to its server",
        Duration.ofSeconds(30));
  }

  private String dispatchedBy(String id) {
    return (String) cluster.value("SELECT dispatched_by FROM generations WHERE id = ?::uuid", id);
  }

  private void awaitEnded(java.util.Collection<String> ids, Duration patience) {
    String[] array = ids.toArray(String[]::new);
    Replicas.await(
        () ->
            cluster.count(
                    "SELECT count(*) FROM generations WHERE id::text = ANY(?)"
                        + " AND status IN ('COMPLETED', 'FAILED', 'CANCELLED')",
                    (Object) array)
                == array.length,
        "all " + array.length + " ended",
        patience);
  }

  private Map<String, Long> statuses(java.util.Collection<String> ids) {
    return countBy("status", ids);
  }

  private Map<String, Long> countBy(String column, java.util.Collection<String> ids) {
    Map<String, Long> counts = new TreeMap<>();
    for (Map<String, Object> row :
        cluster.rows(
            "SELECT "
                + column
                + " AS k, count(*) AS n FROM generations WHERE id::text = ANY(?)"
                + " GROUP BY 1",
            (Object) ids.toArray(String[]::new))) {
      counts.put(String.valueOf(row.get("k")), ((Number) row.get("n")).longValue());
    }
    return counts;
  }

  private Map<String, Long> named(Map<String, Long> byReplicaId) {
    Map<String, Long> named = new TreeMap<>();
    byReplicaId.forEach(
        (id, n) ->
            named.put(
                cluster.members.stream()
                    .filter(m -> m.id().equals(id))
                    .map(Member::name)
                    .findFirst()
                    .orElse(id),
                n));
    return named;
  }
}
