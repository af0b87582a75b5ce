package io.gpufleet.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.generations.Attempt;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.generations.GenerationStatus;
import io.gpufleet.persistence.servers.Access;
import io.gpufleet.persistence.servers.Addresses;
import io.gpufleet.persistence.servers.Capacity;
import io.gpufleet.persistence.servers.HealthReport;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.IdleStop;
import io.gpufleet.persistence.servers.Lease;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.tasks.Task;
import io.gpufleet.persistence.tasks.TaskRepository;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import io.gpufleet.testing.TestDatabase;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A server's and a generation's values land in the columns that native queries, reports and other
 * replicas read, and come back whole after a restart (a fresh read, no cached entity).
 */
@SpringBootTest(classes = PersistenceTestApplication.class)
class EntityColumnsIT {

  @DynamicPropertySource
  static void database(DynamicPropertyRegistry registry) {
    TestDatabase.shared().springProperties().forEach((k, v) -> registry.add(k, () -> v));
  }

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Autowired JdbcTemplate jdbc;
  @Autowired ServerRepository servers;
  @Autowired GenerationRepository generations;
  @Autowired UserRepository users;
  @Autowired TaskRepository tasks;
  @Autowired TransactionTemplate transaction;

  @Test
  void aServersValuesAreStoredInTheirColumnsAndReadBackWhole() {
    ServerSpec spec =
        new ServerSpec(
            "RTX 4090", 2, 16, 64, 80, "US", new BigDecimal("0.8000"), null, "comfy:latest");
    Server server = new Server("columns-" + UUID.randomUUID(), "vast", spec, NOW);
    UUID script = UUID.randomUUID();
    server.recordRental(4242L, "987", new BigDecimal("0.4500"), "RTX 4090", NOW);
    server.recordHardware(null, 24_564L);
    server.recordEndpoints(
        new Addresses("203.0.113.7", "http://203.0.113.7:8188", "ssh7", 2222, null), NOW);
    server.setAccess(new Access("enc:token", "ubuntu", "start-box", "stop-box"));
    server.recordHealth(
        new HealthReport(HealthState.DEGRADED, 120, 3, 2_048L, "slow", NOW.plusSeconds(5), 2));
    server.setSetup(script, false, NOW);
    server.markSetUp(true, NOW);
    server.setIdleStopMinutes(30, NOW);
    server.recordActivity(NOW.plusSeconds(60));
    server.startDraining(NOW.plusSeconds(600), NOW);
    server.setCapacity(new Capacity(2, 0), NOW);
    servers.saveAndFlush(server);

    Map<String, Object> row =
        jdbc.queryForMap("select * from servers where id = ?", server.getId());
    assertThat(row)
        .containsEntry("gpu", "RTX 4090")
        .containsEntry("gpu_count", 2)
        .containsEntry("disk_gb", 80)
        .containsEntry("offer_id", 4242L)
        .containsEntry("instance_id", "987")
        .containsEntry("price_per_hour", new BigDecimal("0.4500"))
        .containsEntry("gpu_name", "RTX 4090")
        .containsEntry("vram_mb", 24_564L)
        .containsEntry("public_ip", "203.0.113.7")
        .containsEntry("comfy_url", "http://203.0.113.7:8188")
        .containsEntry("ssh_host", "ssh7")
        .containsEntry("ssh_port", 2222)
        .containsEntry("comfy_token_enc", "enc:token")
        .containsEntry("ssh_user", "ubuntu")
        .containsEntry("start_command", "start-box")
        .containsEntry("stop_command", "stop-box")
        .containsEntry("health", "DEGRADED")
        .containsEntry("health_latency_ms", 120)
        .containsEntry("health_queue_depth", 3)
        .containsEntry("health_vram_free_mb", 2_048L)
        .containsEntry("health_error", "slow")
        .containsEntry("health_failures", 2)
        .containsEntry("setup_script_id", script)
        .containsEntry("auto_setup", false)
        .containsEntry("set_up", true)
        .containsEntry("draining", true)
        .containsEntry("idle_stop_minutes", 30)
        .containsEntry("slots", 2)
        .containsEntry("prefetch", 0);
    assertThat(instant(row, "health_checked_at")).isEqualTo(NOW.plusSeconds(5));
    assertThat(instant(row, "drain_deadline")).isEqualTo(NOW.plusSeconds(600));
    assertThat(instant(row, "last_activity_at")).isEqualTo(NOW.plusSeconds(60));

    Server read = servers.findById(server.getId()).orElseThrow();
    assertThat(read.getSpec()).isEqualTo(spec);
    assertThat(read.getLease()).isEqualTo(server.getLease());
    assertThat(read.getAddresses()).isEqualTo(server.getAddresses());
    assertThat(read.getAccess()).isEqualTo(server.getAccess());
    assertThat(read.getHealth()).isEqualTo(server.getHealth());
    assertThat(read.getSetup()).isEqualTo(server.getSetup());
    assertThat(read.getIdleStop()).isEqualTo(server.getIdleStop());
    assertThat(read.getDrain()).isEqualTo(server.getDrain());
    assertThat(read.getCapacity()).isEqualTo(new Capacity(2, 0));
  }

  @Test
  void aServerWithNothingReportedReadsEmptyValuesNotNulls() {
    Server server =
        new Server(
            "empty-" + UUID.randomUUID(),
            "static",
            new ServerSpec(null, 1, null, null, 0, null, null, null, null),
            NOW);
    servers.saveAndFlush(server);

    Server read = servers.findById(server.getId()).orElseThrow();
    assertThat(read.getLease()).isEqualTo(Lease.NONE);
    assertThat(read.getAddresses()).isEqualTo(Addresses.NONE);
    assertThat(read.getAccess()).isEqualTo(Access.NONE);
    assertThat(read.getIdleStop()).isEqualTo(IdleStop.NEVER);
    assertThat(read.getHealth().state()).isEqualTo(HealthState.UNKNOWN);
    assertThat(read.getSetup().auto()).isTrue();
    assertThat(read.getDrain().active()).isFalse();
    assertThat(read.isRoutable()).isFalse();

    read.recordActivity(NOW.plusSeconds(1));
    read.recordHardware("RTX 3090", null);
    servers.saveAndFlush(read);
    Server again = servers.findById(server.getId()).orElseThrow();
    assertThat(again.getIdleStop()).isEqualTo(new IdleStop(null, NOW.plusSeconds(1)));
    assertThat(again.getLease().gpuName()).isEqualTo("RTX 3090");
  }

  @Test
  void aGenerationsValuesAreStoredInTheirColumnsAndAFailureGoesOnceItCompletes() {
    UserAccount user =
        users.saveAndFlush(new UserAccount("columns-" + UUID.randomUUID(), Role.USER, null, NOW));
    Generation.Request request =
        new Generation.Request(
            null,
            UUID.randomUUID(),
            5,
            null,
            "https://example.test/hook",
            "{}",
            "{\"1\":{}}",
            7L,
            3);
    Generation g = new Generation(user.getId(), request, 4, NOW);
    UUID server = UUID.randomUUID();
    UUID prompt = UUID.randomUUID();
    g.dispatch(server, prompt, "replica-a", 40.0, NOW.plusSeconds(1));
    g.markSubmitted(NOW.plusSeconds(2));
    g.recordProgress(
        new Generation.Progress(50, "3", "KSampler", "Sample", 2, 4, 10, 20), NOW.plusSeconds(3));
    generations.saveAndFlush(g);
    assertThat(generations.findByStatusAndDispatchedBy(GenerationStatus.RUNNING, "replica-a"))
        .extracting(Generation::getId)
        .contains(g.getId());
    assertThat(generations.runningPerServer())
        .as("half of its 40 units of work are left at 50%")
        .anySatisfy(row -> assertThat(row).containsExactly(server, 1L, 20.0));
    assertThat(generations.countByServerIdAndStatus(server, GenerationStatus.RUNNING)).isOne();
    g = generations.findById(g.getId()).orElseThrow();
    assertThat(g.getProgress())
        .isEqualTo(new Generation.Progress(50, "3", "KSampler", "Sample", 2, 4, 10, 20));
    g.requeue(
        new Generation.Failure("3", "KSampler", "OutOfMemory", "CUDA out of memory"),
        server,
        24_000L,
        NOW.plusSeconds(4));
    generations.saveAndFlush(g);

    Map<String, Object> row = jdbc.queryForMap("select * from generations where id = ?", g.getId());
    assertThat(row)
        .containsEntry("status", "QUEUED")
        .containsEntry("priority", 5)
        .containsEntry("session_id", request.sessionId())
        .containsEntry("webhook_url", "https://example.test/hook")
        .containsEntry("inputs", "{}")
        .containsEntry("seed", 7L)
        .containsEntry("max_attempts", 3)
        .containsEntry("server_id", null)
        .containsEntry("attempts", 1)
        .containsEntry("submitted", false)
        .containsEntry("avoid_server_id", server)
        .containsEntry("min_vram_mb", 24_000L)
        .containsEntry("progress", 0)
        .containsEntry("total_nodes", 4)
        .containsEntry("work", 40.0)
        .containsEntry("error_node_type", "KSampler")
        .containsEntry("error_type", "OutOfMemory")
        .containsEntry("error_message", "CUDA out of memory");
    assertThat(instant(row, "created_at")).isEqualTo(NOW);
    assertThat(instant(row, "started_at")).isEqualTo(NOW.plusSeconds(1));
    assertThat(instant(row, "updated_at")).isEqualTo(NOW.plusSeconds(4));
    assertThat(generations.countQueuedAhead(5, NOW.plusSeconds(1))).isPositive();

    Generation read = generations.findById(g.getId()).orElseThrow();
    assertThat(read.getRequest()).isEqualTo(request);
    assertThat(read.getAttempt())
        .isEqualTo(new Attempt(null, null, null, false, 1, server, 24_000L));
    assertThat(read.getFailure()).isEqualTo(g.getFailure());
    assertThat(read.getTimings()).isEqualTo(g.getTimings());

    UUID second = UUID.randomUUID();
    read.dispatch(server, second, "replica-b", 12.5, NOW.plusSeconds(5));
    read.complete("[]", NOW.plusSeconds(9));
    generations.saveAndFlush(read);
    Generation done = generations.findByPromptId(second).orElseThrow();
    assertThat(done.getStatus()).isEqualTo(GenerationStatus.COMPLETED);
    assertThat(done.getFailure()).isNull();
    assertThat(done.getProgress().percent()).isEqualTo(100);
    assertThat(done.getProgress().executedNodes()).isEqualTo(4);
    assertThat(done.getAttempt().number()).isEqualTo(2);
    assertThat(done.getTimings().finishedAt()).isEqualTo(NOW.plusSeconds(9));
    assertThat(generations.countByServerIdAndStatus(server, GenerationStatus.COMPLETED)).isOne();
  }

  @Test
  void aTasksValuesAreStoredInTheirColumnsAndOnlyDueOnesAreClaimed() {
    UserAccount user =
        users.saveAndFlush(new UserAccount("tasks-" + UUID.randomUUID(), Role.USER, null, NOW));
    Task task =
        new Task(
            user.getId(),
            new Task.Request(
                "Sky",
                Task.TEXT,
                "ollama",
                null,
                "llama3.2",
                "Why blue?",
                "Be brief.",
                "{}",
                null,
                3),
            NOW);
    tasks.saveAndFlush(task);
    // far in the past, so that no other test's task is due before it
    jdbc.update(
        "UPDATE tasks SET run_after = ?, created_at = ? WHERE id = ?",
        java.sql.Timestamp.from(Instant.EPOCH),
        java.sql.Timestamp.from(Instant.EPOCH),
        task.getId());

    List<UUID> claimed = claimDue(Instant.EPOCH.plusSeconds(1));
    assertThat(claimed).containsExactly(task.getId());
    assertThat(claimDue(Instant.EPOCH.minusSeconds(1))).doesNotContain(task.getId());

    Task read = tasks.findById(task.getId()).orElseThrow();
    read.claim("replica-a", NOW.plusSeconds(1), NOW.plusSeconds(91));
    tasks.saveAndFlush(read);
    Map<String, Object> running =
        jdbc.queryForMap("select * from tasks where id = ?", task.getId());
    assertThat(running)
        .containsEntry("status", "RUNNING")
        .containsEntry("type", "text")
        .containsEntry("provider", "ollama")
        .containsEntry("model", "llama3.2")
        .containsEntry("system_prompt", "Be brief.")
        .containsEntry("attempts", 1)
        .containsEntry("max_attempts", 3)
        .containsEntry("claimed_by", "replica-a");
    assertThat(instant(running, "lease_until")).isEqualTo(NOW.plusSeconds(91));
    // a lease that ran out is claimed again; one that holds is not
    assertThat(claimDue(NOW.plusSeconds(92))).contains(task.getId());
    assertThat(claimDue(NOW.plusSeconds(90))).doesNotContain(task.getId());

    read = tasks.findById(task.getId()).orElseThrow();
    read.complete(
        "Rayleigh.", "llama3.2:latest", 12, 3, new BigDecimal("0.000054"), NOW.plusSeconds(2));
    tasks.saveAndFlush(read);
    Map<String, Object> done = jdbc.queryForMap("select * from tasks where id = ?", task.getId());
    assertThat(done)
        .containsEntry("status", "COMPLETED")
        .containsEntry("result", "Rayleigh.")
        .containsEntry("model", "llama3.2:latest")
        .containsEntry("prompt_tokens", 12)
        .containsEntry("completion_tokens", 3)
        .containsEntry("cost", new BigDecimal("0.000054"))
        .containsEntry("lease_until", null)
        .containsEntry("claimed_by", null);
    assertThat(instant(done, "started_at")).isEqualTo(NOW.plusSeconds(1));
    assertThat(instant(done, "finished_at")).isEqualTo(NOW.plusSeconds(2));
    assertThat(claimDue(NOW.plusSeconds(999))).doesNotContain(task.getId());
  }

  /** Due tasks as a worker claims them: in a transaction, locked. */
  private List<UUID> claimDue(Instant now) {
    List<UUID> claimed = transaction.execute(s -> tasks.claimDue(now, 10));
    return claimed == null ? List.of() : claimed;
  }

  private static Instant instant(Map<String, Object> row, String column) {
    Object value = row.get(column);
    Instant at =
        value instanceof java.sql.Timestamp ts
            ? ts.toInstant()
            : ((java.time.OffsetDateTime) value).toInstant();
    return at.truncatedTo(ChronoUnit.MICROS);
  }
}
