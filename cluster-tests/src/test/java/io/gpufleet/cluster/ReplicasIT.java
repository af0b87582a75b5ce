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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
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
 * Replicas of the built jar as real processes on one PostgreSQL, with eight ComfyUI simulators
 * registered as servers: what only several processes show. One database and one set of processes
 * serve every scenario, in order: two replicas (A, B) for the first cases, a third (C) started
 * during the schedule case and a member from the next one on, the database restarted under all
 * three, and the kill last. Counts go to the test output.
 *
 * <p>The database is the suite's own embedded PostgreSQL ({@link SuiteDatabase}) on a fixed port
 * and data directory, whether or not {@code GPUFLEET_TEST_DB_URL} is set: the restart case stops
 * and starts it under the running replicas.
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

  /** The third replica, started in case e, a member from case f on. */
  private Replicas.@Nullable Joining joining;

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
    Map<Integer, Long> runsPerGeneration = runsPerGeneration(byTag.keySet());
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
    Member subscriber = other(dispatcher);
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
  void aScheduleFiresOncePerOccurrenceAndASetupRunStartsOnceAcrossReplicas() throws Exception {
    // the third replica's start (case f) overlaps this case's wait for the minute to turn
    joining = cluster.launch();
    String platformKey =
        (String) cluster.value("SELECT public_key FROM platform_keys WHERE name = 'ssh'");
    assertThat(platformKey).as("the platform's SSH key, made by the first replica").isNotNull();
    try (SshBox box = SshBox.start(platformKey, DIR.resolve("ssh"))) {
      // two boxes behind one SSH endpoint, each with power commands that leave a line per run
      String stopped = registerPowered(box, "sched-stop", 6);
      String started = registerPowered(box, "sched-start", 7);
      awaitServer(stopped, "RUNNING");
      awaitServer(started, "RUNNING");
      assertThat(admin(1).post("/api/v1/servers/" + started + "/stop?drain=false", "").statusCode())
          .isEqualTo(202);
      awaitServer(started, "STOPPED");

      // the next whole minute with time for the setup race below: schedules are "HH:mm"
      Instant soonest = Instant.now().plusSeconds(15);
      Instant at = soonest.truncatedTo(ChronoUnit.MINUTES);
      if (at.isBefore(soonest)) {
        at = at.plus(Duration.ofMinutes(1));
      }
      ZonedDateTime local = at.atZone(ZoneOffset.UTC);
      String time = String.format("%02d:%02d", local.getHour(), local.getMinute());
      int weekday = local.getDayOfWeek().getValue();
      HttpResponse<String> stop =
          admin(0)
              .put(
                  "/api/v1/servers/" + stopped + "/schedule",
                  "{\"autoStop\":true,\"stopTime\":\""
                      + time
                      + "\",\"timezone\":\"UTC\","
                      + "\"weekdays\":["
                      + weekday
                      + "]}");
      HttpResponse<String> start =
          admin(1)
              .put(
                  "/api/v1/servers/" + started + "/schedule",
                  "{\"autoStart\":true,\"startTime\":\""
                      + time
                      + "\",\"timezone\":\"UTC\","
                      + "\"weekdays\":["
                      + weekday
                      + "]}");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
      assertThat(Instant.parse(Api.json(stop).path("nextAction").path("scheduledTime").asString()))
          .isEqualTo(at);
      assertThat(Api.json(start).path("nextAction").path("action").asString()).isEqualTo("START");

      // meanwhile a setup run asked for through both replicas at the same instant
      HttpResponse<String> script =
          admin(0)
              .post(
                  "/api/v1/setup-scripts",
                  "{\"name\":\"count-"
                      + run
                      + "\",\"content\":\"echo ran >> \\\"$HOME/setup-runs.log\\\"\\nsleep 3\\n\"}");
      assertThat(script.statusCode()).as(script.body()).isEqualTo(201);
      String scriptId = Api.json(script).path("id").asString();
      List<HttpResponse<String>> answers =
          race(
              2,
              r ->
                  admin(r)
                      .post(
                          "/api/v1/servers/" + stopped + "/setup",
                          "{\"setupScriptId\":\"" + scriptId + "\"}"));
      Replicas.await(
          () ->
              cluster.count(
                      "SELECT count(*) FROM server_executions WHERE server_id = ?::uuid"
                          + " AND status NOT IN ('QUEUED', 'RUNNING')",
                      stopped)
                  > 0,
          "the setup run ended",
          Duration.ofSeconds(60));
      List<String> setupAnswers = new ArrayList<>();
      for (int r = 0; r < answers.size(); r++) {
        HttpResponse<String> a = answers.get(r);
        setupAnswers.add(
            name(r)
                + " "
                + a.statusCode()
                + (a.statusCode() == 409 ? " " + Api.json(a).path("code").asString() : ""));
      }
      List<Map<String, Object>> runs =
          cluster.rows("SELECT status FROM server_executions WHERE server_id = ?::uuid", stopped);
      System.out.printf(
          "e. setup of one server asked through A and B at once: %s; %d run row(s) %s; the script"
              + " ran %d time(s) on the box%n",
          setupAnswers, runs.size(), runs, box.lines("setup-runs.log").size());
      assertThat(answers.stream().map(HttpResponse::statusCode).sorted().toList())
          .as("one accepted, one refused: %s", setupAnswers)
          .containsExactly(202, 409);
      assertThat(
              answers.stream()
                  .filter(a -> a.statusCode() == 409)
                  .map(a -> Api.json(a).path("code").asString()))
          .containsExactly("SETUP_ALREADY_RUNNING");
      assertThat(runs).extracting(r -> r.get("status")).containsExactly("SUCCEEDED");
      assertThat(box.lines("setup-runs.log")).as("the script ran once").hasSize(1);

      awaitServer(stopped, "STOPPED", Duration.between(Instant.now(), at).plusSeconds(60));
      awaitServer(started, "RUNNING", Duration.ofSeconds(30));
      // a second firing, had there been one, comes at the same instant: every replica's Quartz
      // has had its turn at the minute once the states settled; a few seconds more for a late log
      Thread.sleep(3_000);
      Map<String, Integer> stops = cluster.logged("Scheduled stop of server " + stopped);
      Map<String, Integer> starts = cluster.logged("Scheduled start of server " + started);
      List<String> power = box.lines("power.log");
      System.out.printf(
          "e. schedules at %s UTC, a stop for one server put through A and a start for another"
              + " through B: fired by replica (stop) %s, (start) %s; the box ran %s; next: %s%n",
          time,
          stops,
          starts,
          power,
          Api.json(admin(0).get("/api/v1/servers/" + started + "/schedule"))
              .path("nextAction")
              .path("scheduledTime")
              .asString());
      assertThat(stops.values().stream().mapToInt(Integer::intValue).sum())
          .as("the stop fired once across the replicas: %s", stops)
          .isEqualTo(1);
      assertThat(starts.values().stream().mapToInt(Integer::intValue).sum())
          .as("the start fired once across the replicas: %s", starts)
          .isEqualTo(1);
      assertThat(power)
          .as("each command ran once on the box")
          .containsExactlyInAnyOrder("sched-start stop", "sched-stop stop", "sched-start start");
      // both gone again: the later cases count runs on the eight servers only
      for (String server : List.of(stopped, started)) {
        assertThat(admin(0).delete("/api/v1/servers/" + server + "/schedule").statusCode())
            .isEqualTo(204);
        assertThat(admin(0).delete("/api/v1/servers/" + server).statusCode()).isEqualTo(202);
      }
      awaitServer(stopped, "DESTROYED");
      awaitServer(started, "DESTROYED");
    }
  }

  @Test
  @Order(5)
  void aThirdReplicaJoinsAndTakesItsShare() throws Exception {
    long waited = System.nanoTime();
    Member third = java.util.Objects.requireNonNull(joining, "C, started in case e").await();
    double joinedAfter = (System.nanoTime() - waited) / 1e9;
    List<Api> users = new ArrayList<>();
    for (int u = 0; u < 3; u++) {
      users.add(admin(u).newUser("three-" + run + "-" + u, OPEN_LIMITS));
    }
    int n = 30;
    Map<String, String> byTag = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String tag = "three-" + i;
      byTag.put(tag, id(submit(on(users.get(i % 3), i % 3), tag)));
    }
    awaitEnded(byTag.values(), Duration.ofSeconds(60));
    Map<String, Long> statuses = statuses(byTag.values());
    Map<String, Long> dispatchers = named(countBy("dispatched_by", byTag.values()));
    Map<Integer, Long> runsPerGeneration = runsPerGeneration(byTag.keySet());
    long quartz = cluster.count("SELECT count(*) FROM qrtz_scheduler_state");
    System.out.printf(
        "f. %s joined (ready %.1f s after this case began waiting for it); %d generations"
            + " through A, B and C: %s; dispatched by %s; runs per generation %s; %d Quartz"
            + " instances checked in%n",
        third.name(), joinedAfter, n, statuses, dispatchers, runsPerGeneration, quartz);
    assertThat(statuses).isEqualTo(Map.of("COMPLETED", (long) n));
    assertThat(runsPerGeneration).as("each ran once").isEqualTo(Map.of(1, (long) n));
    assertThat(dispatchers.keySet()).as("all three dispatched").containsExactly("A", "B", "C");
    assertThat(quartz).as("all three in Quartz's cluster").isEqualTo(3);
  }

  @Test
  @Order(6)
  void aPostgresRestartUnderTheReplicasLosesNothing() throws Exception {
    Api user = admin(0).newUser("restart-" + run, OPEN_LIMITS);
    cluster.fleet.simulators().forEach(s -> s.setStepsPerSecond(6));
    String server = cluster.serverIds.get(2);
    String watched = id(submit(on(user, 1), "pg-0", 120, server));
    Map<String, String> byTag = new LinkedHashMap<>();
    byTag.put("pg-0", watched);
    for (int i = 1; i <= 6; i++) {
      byTag.put("pg-" + i, id(submit(on(user, i % 3), "pg-" + i, 60, null)));
    }
    awaitRunning(watched);
    Member dispatcher = cluster.member(dispatchedBy(watched));
    Member subscriber = other(dispatcher);
    Api onSubscriber = new Api(subscriber.process(), user.key());
    List<Event> before = new ArrayList<>();
    try (InputStream stream = onSubscriber.events(watched, null)) {
      EventStream.read(stream, before, 3, () -> {});
    }
    long lastSeen = before.get(before.size() - 1).seq();
    Map<String, Integer> relistened = cluster.logged("Listening to generation events again");

    long storedBefore = cluster.count("SELECT coalesce(max(seq), 0) FROM generation_events");
    long stopped = System.nanoTime();
    cluster.postgres.stop();
    Thread.sleep(3_000); // the ComfyUIs go on meanwhile; nothing can be stored
    cluster.postgres.up();
    double down = (System.nanoTime() - stopped) / 1e9;
    long restarted = System.nanoTime();
    for (Member m : cluster.members) {
      Replicas.await(
          () -> healthStatus(m) == 200, m.name() + " healthy again", Duration.ofSeconds(90));
    }
    double healthyAfter = (System.nanoTime() - restarted) / 1e9;
    List<String> accepted = new ArrayList<>();
    for (int r = 0; r < cluster.members.size(); r++) {
      String tag = "pg-" + (7 + r);
      HttpResponse<String> answer = submit(on(user, r), tag);
      accepted.add(name(r) + " " + answer.statusCode());
      byTag.put(tag, id(answer));
    }
    for (Member m : cluster.members) {
      Replicas.await(
          () ->
              cluster.logged("Listening to generation events again").get(m.name())
                  > relistened.get(m.name()),
          m.name() + " listening again",
          Duration.ofSeconds(30));
    }

    List<Event> after = new CopyOnWriteArrayList<>();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      reader
          .submit(
              () -> {
                try (InputStream stream = onSubscriber.events(watched, lastSeen)) {
                  EventStream.read(stream, after, Integer.MAX_VALUE, () -> {});
                }
                return null;
              })
          .get(90, TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }
    awaitEnded(byTag.values(), Duration.ofSeconds(90));
    cluster.fleet.simulators().forEach(s -> s.setStepsPerSecond(30));

    List<Long> seen = new ArrayList<>();
    before.forEach(e -> seen.add(e.seq()));
    after.forEach(e -> seen.add(e.seq()));
    List<Long> stored = storedSeqs(watched, before.get(0).seq());
    long storedAfterRestart = stored.stream().filter(seq -> seq > storedBefore).count();
    Map<String, Long> statuses = statuses(byTag.values());
    Map<String, Long> attempts = countBy("attempts::text", byTag.values());
    Map<Integer, Long> runsPerGeneration = runsPerGeneration(byTag.keySet());
    System.out.printf(
        "g. PostgreSQL stopped and started again on port %d (%.1f s down) under %d replicas:"
            + " all healthy %.1f s later, submissions %s, LISTEN reopened on %s; generation"
            + " dispatched by %s, watched on %s: %d events before, %d after resuming with"
            + " Last-Event-ID %d, %d stored from the first seen (%d after the restart), ends %s;"
            + " %d generations %s,"
            + " attempts %s, runs per generation %s%n",
        cluster.postgres.port(),
        down,
        cluster.members.size(),
        healthyAfter,
        accepted,
        cluster.logged("Listening to generation events again"),
        dispatcher.name(),
        subscriber.name(),
        before.size(),
        after.size(),
        lastSeen,
        stored.size(),
        storedAfterRestart,
        after.isEmpty() ? "?" : after.get(after.size() - 1).type(),
        byTag.size(),
        statuses,
        attempts,
        runsPerGeneration);
    assertThat(storedAfterRestart).as("the watched one ran on across the restart").isPositive();
    assertThat(seen).as("every stored event once, in order, across the restart").isEqualTo(stored);
    assertThat(after).last().extracting(Event::type).isEqualTo("generation.completed");
    assertThat(statuses).isEqualTo(Map.of("COMPLETED", (long) byTag.size()));
    assertThat(runsPerGeneration).as("none ran twice").isEqualTo(Map.of(1, (long) byTag.size()));
  }

  @Test
  @Order(7)
  void theSurvivorsOfAKillFinishTheDeadReplicasGenerationsOnce() throws Exception {
    // two users: each may have ten generations running at once
    List<Api> users =
        List.of(
            admin(1).newUser("orphans-" + run + "-0", OPEN_LIMITS),
            admin(1).newUser("orphans-" + run + "-1", OPEN_LIMITS));
    Member victim = cluster.members.get(1);
    List<Member> survivors = cluster.members.stream().filter(m -> m != victim).toList();
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
    List<String> orphaned =
        cluster
            .rows(
                "SELECT id::text AS id FROM generations WHERE id::text = ANY(?)"
                    + " AND status = 'RUNNING' AND dispatched_by = ?",
                byTag.values().toArray(String[]::new),
                victim.id())
            .stream()
            .map(r -> (String) r.get("id"))
            .toList();
    long orphans = orphaned.size();
    assertThat(orphans).as("generations the victim was following").isPositive();

    victim.process().kill();
    long killed = System.nanoTime();
    awaitEnded(byTag.values(), Duration.ofSeconds(120));
    double seconds = (System.nanoTime() - killed) / 1e9;
    cluster.fleet.simulators().forEach(s -> s.setStepsPerSecond(30));

    Map<String, Long> statuses = statuses(byTag.values());
    Map<Integer, Long> runsPerGeneration = runsPerGeneration(byTag.keySet());
    System.out.printf(
        "d. kill -9 of %s following %d of 16 running generations, %d replicas left: all ended"
            + " %.1f s after the kill (stale after %d s), %s; the 16 dispatched by %s (the"
            + " survivors took the ones still queued); runs per generation %s%n",
        victim.name(),
        orphans,
        survivors.size(),
        seconds,
        Replicas.STALE_AFTER.toSeconds(),
        statuses,
        named(countBy("dispatched_by", byTag.values())),
        runsPerGeneration);
    assertThat(statuses).isEqualTo(Map.of("COMPLETED", 16L));
    assertThat(runsPerGeneration).as("none ran twice").isEqualTo(Map.of(1, 16L));
    assertThat(
            Api.json(
                    new Api(survivors.get(0).process(), users.get(0).key())
                        .get("/api/v1/generations/" + byTag.values().iterator().next()))
                .path("status")
                .asString())
        .isEqualTo("COMPLETED");
  }

  // --- helpers -----------------------------------------------------------------------------

  /** Any replica but {@code one}: the first other member. */
  private Member other(Member one) {
    return cluster.members.stream().filter(m -> m != one).findFirst().orElseThrow();
  }

  /** A box behind the SSH endpoint, its ComfyUI one of the simulators; answers its id. */
  private String registerPowered(SshBox box, String name, int simulator) {
    HttpResponse<String> created =
        admin(0)
            .post(
                "/api/v1/servers",
                "{\"provider\":\"static\",\"name\":\""
                    + name
                    + "\",\"comfyUrl\":\""
                    + cluster.fleet.simulators().get(simulator).baseUrl()
                    + "\",\"pricePerHour\":0.10,\"ssh\":"
                    + box.sshJson()
                    + ",\"startCommand\":\"echo "
                    + name
                    + " start >> power.log\",\"stopCommand\":\"echo "
                    + name
                    + " stop >> power.log\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return Api.json(created).path("id").asString();
  }

  private void awaitServer(String id, String status) {
    awaitServer(id, status, Duration.ofSeconds(30));
  }

  private void awaitServer(String id, String status, Duration patience) {
    Replicas.await(
        () -> status.equals(cluster.value("SELECT status FROM servers WHERE id = ?::uuid", id)),
        "server " + id + " " + status,
        patience);
  }

  /** The same call through replicas 0..n-1 at one instant; the answers in replica order. */
  private static List<HttpResponse<String>> race(
      int n, java.util.function.IntFunction<HttpResponse<String>> call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int r = 0; r < n; r++) {
        int replica = r;
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return call.apply(replica);
                }));
      }
      go.countDown();
      List<HttpResponse<String>> done = new ArrayList<>();
      for (Future<HttpResponse<String>> a : answers) {
        done.add(a.get(60, TimeUnit.SECONDS));
      }
      return done;
    } finally {
      pool.shutdownNow();
    }
  }

  private static int healthStatus(Member m) {
    try {
      return m.api().get("/api/v1/health").statusCode();
    } catch (IllegalStateException e) {
      return -1; // no answer in time
    }
  }

  private List<Long> storedSeqs(String generation, long from) {
    return cluster
        .rows(
            "SELECT seq FROM generation_events WHERE subject = ?::uuid AND seq >= ? ORDER BY seq",
            generation,
            from)
        .stream()
        .map(r -> ((Number) r.get("seq")).longValue())
        .toList();
  }

  /** How many generations ran how often on the ComfyUIs, from their own history. */
  private Map<Integer, Long> runsPerGeneration(java.util.Collection<String> tags) {
    Map<String, Integer> runs = SimulatorRuns.byTag(cluster.fleet.simulators());
    return tags.stream()
        .collect(
            Collectors.groupingBy(
                t -> runs.getOrDefault(t, 0), TreeMap::new, Collectors.counting()));
  }

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
