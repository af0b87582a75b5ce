package io.gpufleet.scheduler.health;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.SystemStats;
import io.gpufleet.persistence.servers.HealthReport;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.health.HealthPolicy.Probe;
import io.gpufleet.scheduler.health.HealthPolicy.Verdict;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Probes every running, set-up server at once, without a thread per server, stores what it found,
 * and feeds each server's circuit breaker: a ComfyUI by {@code /system_stats} and {@code /prompt},
 * an Ollama server by {@code /api/version} (its models are the API's {@code OllamaProber}'s).
 */
@Service
public class HealthProber {

  private static final Logger log = LoggerFactory.getLogger(HealthProber.class);

  private final ServerRepository servers;
  private final ComfyClients clients;
  private final TransactionTemplate transaction;
  private final HealthPolicy policy;
  private final Duration timeout;
  private final CircuitBreakerRegistry breakers;
  private final OllamaPing ollama;
  private final OutboundPolicies outbound;
  private final Clock clock;

  HealthProber(
      ServerRepository servers,
      ComfyClients clients,
      TransactionTemplate transaction,
      SchedulerSettings settings,
      OutboundPolicies outbound,
      Clock clock) {
    this.outbound = outbound;
    this.servers = servers;
    this.clients = clients;
    this.transaction = transaction;
    this.policy = new HealthPolicy(settings.degradedLatency(), settings.unreachableAfter());
    this.timeout = settings.probeTimeout();
    this.ollama = new OllamaPing(settings.probeTimeout());
    this.clock = clock;
    this.breakers =
        CircuitBreakerRegistry.of(
            CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(4)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(30))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
  }

  /** Probes all running, set-up servers concurrently and records every result. */
  public void probeAll() {
    List<Server> targets =
        servers.findByStatusIn(List.of(ServerStatus.RUNNING)).stream()
            .filter(s -> s.getSetup().done() && probeUrl(s) != null)
            .toList();
    List<CompletableFuture<Map.Entry<UUID, Probe>>> probes = new ArrayList<>();
    for (Server server : targets) {
      probes.add(probe(server).thenApply(p -> Map.entry(server.getId(), p)));
    }
    for (CompletableFuture<Map.Entry<UUID, Probe>> probe : probes) {
      Map.Entry<UUID, Probe> result = probe.join();
      try {
        record(result.getKey(), result.getValue());
      } catch (OptimisticLockingFailureException e) {
        // the row changed under us (a state change, a destroy): the next round probes it again
        log.debug("Health of server {} not recorded: {}", result.getKey(), e.getMessage());
      }
    }
  }

  /** Probes one server now and records the result; the answer is its new health. */
  public HealthState probe(UUID serverId) {
    Server server = servers.findById(serverId).orElseThrow();
    if (probeUrl(server) == null) {
      return server.getHealth().state();
    }
    return record(serverId, probe(server).join());
  }

  /** Where the server's engine answers; null: nothing to probe yet. */
  private static @Nullable String probeUrl(Server server) {
    return server.getEngine() == ServerEngine.OLLAMA
        ? server.getAddresses().ollamaUrl()
        : server.getAddresses().comfyUrl();
  }

  /** The probe of the server's engine; the rest of a round is the same for both. */
  private CompletableFuture<Probe> probe(Server server) {
    if (server.getEngine() == ServerEngine.OLLAMA) {
      String url = Objects.requireNonNull(server.getAddresses().ollamaUrl());
      if (OutboundPolicies.userGiven(server)) {
        // a URL an admin gave is checked before every call, as at registration (its host may
        // resolve elsewhere by now); a refusal is a failed probe
        try {
          outbound.servers().check(url);
        } catch (UrlNotAllowedException e) {
          return CompletableFuture.completedFuture(failed(e));
        }
      }
      return probe(ollama, url);
    }
    return probe(clients.forServer(server));
  }

  /** The breaker of a server in this replica; routing sends nothing to an open one. */
  public CircuitBreaker.State breakerState(UUID serverId) {
    return breaker(serverId).getState();
  }

  /** The dispatcher tells of a call to a server that failed for the server's sake. */
  public void recordFailure(UUID serverId, Throwable failure) {
    breaker(serverId).onError(0, TimeUnit.NANOSECONDS, failure);
  }

  private CircuitBreaker breaker(UUID serverId) {
    return breakers.circuitBreaker(serverId.toString());
  }

  /** Both calls at once; a failure or a timeout is a result too, never an exception. */
  CompletableFuture<Probe> probe(ComfyClient client) {
    long started = System.nanoTime();
    CompletableFuture<SystemStats> stats = client.systemStatsAsync();
    CompletableFuture<Integer> queue = client.queueRemainingAsync();
    return stats
        .thenCombine(queue, (s, q) -> answered(s, q, Duration.ofNanos(System.nanoTime() - started)))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            failure -> {
              stats.cancel(true);
              queue.cancel(true);
              return failed(failure);
            });
  }

  /** {@code /api/version}: the latency is all it tells; Ollama has no queue to report. */
  CompletableFuture<Probe> probe(OllamaPing ping, String url) {
    long started = System.nanoTime();
    CompletableFuture<Void> version = ping.ping(url);
    return version
        .thenApply(
            v ->
                new Probe(
                    Duration.ofNanos(System.nanoTime() - started), null, null, null, null, null))
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            failure -> {
              version.cancel(true);
              return failed(failure);
            });
  }

  private static Probe answered(SystemStats stats, int queueDepth, Duration latency) {
    SystemStats.Device gpu = stats.devices().isEmpty() ? null : stats.devices().get(0);
    return new Probe(
        latency,
        queueDepth,
        gpu == null ? null : gpu.name(),
        gpu == null ? null : gpu.vramTotal() / (1024 * 1024),
        gpu == null ? null : gpu.vramFree() / (1024 * 1024),
        null);
  }

  private Probe failed(Throwable failure) {
    Throwable cause =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    String reason =
        cause instanceof TimeoutException
            ? "No answer within " + timeout.toMillis() + " ms"
            : String.valueOf(cause.getMessage());
    return new Probe(Duration.ZERO, null, null, null, null, reason);
  }

  private HealthState record(UUID serverId, Probe probe) {
    CircuitBreaker breaker = breaker(serverId);
    if (probe.error() == null) {
      if (breaker.getState() == CircuitBreaker.State.OPEN) {
        breaker.transitionToHalfOpenState();
      }
      breaker.onSuccess(probe.latency().toNanos(), TimeUnit.NANOSECONDS);
    } else {
      breaker.onError(0, TimeUnit.NANOSECONDS, new IllegalStateException(probe.error()));
    }
    return transaction.execute(
        status -> {
          Server server = servers.findById(serverId).orElse(null);
          if (server == null) {
            return HealthState.UNKNOWN;
          }
          Verdict verdict = policy.judge(probe, server.getHealth().failures());
          HealthState before = server.getHealth().state();
          Instant now = Instant.now(clock);
          server.recordHealth(
              new HealthReport(
                  verdict.state(),
                  probe.error() == null ? (int) probe.latency().toMillis() : null,
                  probe.queueDepth(),
                  probe.vramFreeMb(),
                  verdict.reason(),
                  now,
                  verdict.consecutiveFailures()));
          server.recordHardware(probe.gpuName(), probe.vramTotalMb());
          if (before != verdict.state()) {
            log.info(
                "Server {} is {} (was {}){}",
                server.getName(),
                verdict.state(),
                before,
                verdict.reason() == null ? "" : ": " + verdict.reason());
          }
          return verdict.state();
        });
  }
}
