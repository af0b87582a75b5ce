package io.gpufleet.api.webhooks;

import io.gpufleet.api.events.GenerationEvent;
import io.gpufleet.api.events.GenerationEventBus;
import io.gpufleet.api.generations.GenerationViews;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.scheduler.outbound.OutboundCalls;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks of finished generations: {@code POST {event, generation}} to the generation's {@code
 * webhookUrl}, signed {@code X-GpuFleet-Signature: sha256=<hex HMAC-SHA256 of the body>}. Jobs live
 * in the database, so any replica may send them, once each (SKIP LOCKED), retried with doubling
 * backoff; every attempt is recorded. Every attempt is held to the outbound policy of webhooks: the
 * URL checked again, the connection pinned to the checked address, each redirect checked before the
 * body is posted to it; a URL the policy refuses is given up at once.
 */
@Component
class Webhooks {

  static final String SIGNATURE_HEADER = "X-GpuFleet-Signature";
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int BATCH = 10;

  private final JdbcTemplate jdbc;
  private final TransactionTemplate transaction;
  private final GenerationRepository generations;
  private final WebhookProperties settings;
  private final Clock clock;
  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private final OutboundCalls http;
  private final WebhookSecrets secrets;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "webhooks");
            t.setDaemon(true);
            return t;
          });

  Webhooks(
      JdbcTemplate jdbc,
      TransactionTemplate transaction,
      GenerationRepository generations,
      WebhookProperties settings,
      WebhookSecrets secrets,
      Clock clock,
      GenerationEventBus bus,
      OutboundPolicies outbound) {
    this.jdbc = jdbc;
    this.transaction = transaction;
    this.generations = generations;
    this.settings = settings;
    this.secrets = secrets;
    this.clock = clock;
    this.http =
        new OutboundCalls(
            outbound.webhooks(),
            new OkHttpClient.Builder()
                .connectTimeout(settings.timeout())
                .callTimeout(settings.timeout())
                .build(),
            settings.maxRedirects());
    bus.onPublished(this::enqueue);
  }

  record Attempt(
      UUID id,
      String event,
      int attempt,
      String url,
      @Nullable Integer statusCode,
      @Nullable String error,
      boolean succeeded,
      Instant attemptedAt) {}

  private void enqueue(GenerationEvent event) {
    if (!event.type().equals("generation.completed") && !event.type().equals("generation.failed")) {
      return;
    }
    Generation g = generations.findById(event.generationId()).orElse(null);
    if (g == null || g.getRequest().webhookUrl() == null) {
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event.type());
    body.put("generation", GenerationViews.of(g, null, null));
    Instant now = clock.instant();
    jdbc.update(
        "INSERT INTO webhook_jobs (id, generation_id, event, url, body, next_attempt_at,"
            + " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        UUID.randomUUID(),
        g.getId(),
        event.type(),
        g.getRequest().webhookUrl(),
        JSON.writeValueAsString(body),
        Timestamp.from(now),
        Timestamp.from(now));
    timer.execute(this::deliverDueGuarded);
  }

  @EventListener(ApplicationReadyEvent.class)
  void start() {
    long every = settings.pollInterval().toMillis();
    timer.scheduleWithFixedDelay(this::deliverDueGuarded, every, every, TimeUnit.MILLISECONDS);
  }

  private void deliverDueGuarded() {
    try {
      deliverDue(clock.instant());
    } catch (RuntimeException e) {
      log.warn("Delivering webhooks failed: {}", e.toString());
    }
  }

  /** Sends the jobs due at {@code now}; each row stays locked while its request runs. */
  int deliverDue(Instant now) {
    Integer sent =
        transaction.execute(
            status -> {
              List<Map<String, Object>> due =
                  jdbc.queryForList(
                      "SELECT j.id, j.generation_id, j.event, j.url, j.body, j.attempts, g.user_id"
                          + " FROM webhook_jobs j JOIN generations g ON g.id = j.generation_id"
                          + " WHERE j.state = 'PENDING' AND j.next_attempt_at <= ?"
                          + " ORDER BY j.next_attempt_at LIMIT ? FOR UPDATE OF j SKIP LOCKED",
                      Timestamp.from(now),
                      BATCH);
              for (Map<String, Object> job : due) {
                attempt(job, now);
              }
              return due.size();
            });
    return sent == null ? 0 : sent;
  }

  private void attempt(Map<String, Object> job, Instant now) {
    UUID jobId = (UUID) job.get("id");
    UUID generation = (UUID) job.get("generation_id");
    String event = (String) job.get("event");
    String url = (String) job.get("url");
    String body = (String) job.get("body");
    int attempt = ((Number) job.get("attempts")).intValue() + 1;
    Integer code = null;
    String error = null;
    boolean refused = false;
    try {
      Request request =
          new Request.Builder()
              .url(url)
              .header("User-Agent", "gpufleet-webhooks")
              .header("X-GpuFleet-Event", event)
              .header("X-GpuFleet-Delivery", jobId.toString())
              .header(SIGNATURE_HEADER, "sha256=" + secrets.sign((UUID) job.get("user_id"), body))
              .post(RequestBody.create(body, JSON_TYPE))
              .build();
      try (Response response = http.execute(request)) {
        code = response.code();
      }
      if (code < 200 || code >= 300) {
        error = "HTTP " + code;
      }
    } catch (UrlNotAllowedException e) {
      error = UrlNotAllowedException.CODE + ": " + e.getMessage();
      refused = !e.retryable();
    } catch (IOException | IllegalArgumentException e) {
      error = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    boolean ok = error == null;
    jdbc.update(
        "INSERT INTO webhook_attempts (id, job_id, generation_id, event, attempt, url,"
            + " status_code, error, succeeded, attempted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        UUID.randomUUID(),
        jobId,
        generation,
        event,
        attempt,
        url,
        code,
        error == null ? null : truncate(error),
        ok,
        Timestamp.from(now));
    String state =
        ok ? "DELIVERED" : refused || attempt >= settings.maxAttempts() ? "GAVE_UP" : "PENDING";
    Duration backoff = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
    jdbc.update(
        "UPDATE webhook_jobs SET attempts = ?, state = ?, next_attempt_at = ? WHERE id = ?",
        attempt,
        state,
        Timestamp.from(now.plus(backoff)),
        jobId);
  }

  List<Attempt> attempts(UUID generation) {
    return jdbc.query(
        "SELECT * FROM webhook_attempts WHERE generation_id = ? ORDER BY attempted_at, attempt",
        Webhooks::row,
        generation);
  }

  private static String truncate(String s) {
    return s.length() > 1000 ? s.substring(0, 1000) : s;
  }

  private static Attempt row(ResultSet rs, int i) throws SQLException {
    int code = rs.getInt("status_code");
    return new Attempt(
        rs.getObject("job_id", UUID.class),
        rs.getString("event"),
        rs.getInt("attempt"),
        rs.getString("url"),
        rs.wasNull() ? null : code,
        rs.getString("error"),
        rs.getBoolean("succeeded"),
        rs.getTimestamp("attempted_at").toInstant());
  }

  @PreDestroy
  void stop() {
    timer.shutdownNow();
  }
}
