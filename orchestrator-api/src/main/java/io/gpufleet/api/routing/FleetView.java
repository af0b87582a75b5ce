package io.gpufleet.api.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerEngine;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.health.HealthProber;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import io.gpufleet.scheduler.routing.RoutingPolicy.Candidate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Builds routing's picture of the fleet from the database, the breakers and the capabilities. */
@Component
public class FleetView {

  private final ServerRepository servers;
  private final GenerationRepository generations;
  private final ServerCapabilities capabilities;
  private final HealthProber health;
  private final RoutingPolicy policy;
  private final ServerSpeeds speeds;

  /** How old a {@link #recent()} picture may be. */
  static final Duration RECENT = Duration.ofSeconds(1);

  private volatile @Nullable Recent recent;
  private final AtomicBoolean refreshing = new AtomicBoolean();

  private record Recent(List<Candidate> candidates, long takenAt) {}

  /** The checkpoint each server was last given, as this replica saw (a tie-breaker only). */
  private final Map<UUID, String> checkpoints = new ConcurrentHashMap<>();

  FleetView(
      ServerRepository servers,
      GenerationRepository generations,
      ServerCapabilities capabilities,
      HealthProber health,
      ServerSpeeds speeds,
      RoutingProperties settings) {
    this.speeds = speeds;
    this.servers = servers;
    this.generations = generations;
    this.capabilities = capabilities;
    this.health = health;
    this.policy = new RoutingPolicy(settings.prefetch(), settings.strategy());
  }

  /**
   * The running servers as of at most a second ago: for checks at submit time (can any server run
   * this, how many could), which need not cost queries per call. Dispatching reads {@link
   * #candidates} fresh.
   */
  public List<Candidate> recent() {
    Recent now = recent;
    long nanos = System.nanoTime();
    if (now == null || nanos - now.takenAt() > RECENT.toNanos()) {
      if (now != null && !refreshing.compareAndSet(false, true)) {
        return now.candidates(); // another thread reads it anew; the old one serves meanwhile
      }
      try {
        now = new Recent(List.copyOf(candidates(null)), nanos);
        recent = now;
      } finally {
        refreshing.set(false);
      }
    }
    return now.candidates();
  }

  /** {@code server} was given a job that loads {@code checkpoint}. */
  public void bound(UUID server, @Nullable String checkpoint) {
    if (checkpoint != null) {
      checkpoints.put(server, checkpoint);
    }
  }

  public RoutingPolicy policy() {
    return policy;
  }

  /**
   * The server as the latest {@link #candidates} read it (milliseconds ago when the dispatcher asks
   * for one it has just bound a job to), so that posting the prompt need not read it again.
   */
  public Optional<Server> lastRead(UUID id) {
    return Optional.ofNullable(lastRead.get(id));
  }

  private volatile Map<UUID, Server> lastRead = Map.of();

  /** Every running server, plus the pinned one whatever its state. */
  public List<Candidate> candidates(@Nullable UUID pinned) {
    Map<UUID, Integer> jobs = new HashMap<>();
    Map<UUID, Double> work = new HashMap<>();
    for (Object[] row : generations.runningPerServer()) {
      jobs.put((UUID) row[0], ((Number) row[1]).intValue());
      work.put((UUID) row[0], row[2] == null ? 0.0 : Math.max(0, ((Number) row[2]).doubleValue()));
    }
    Map<UUID, Double> measured = speeds.measured();
    List<Server> fleet = new ArrayList<>(servers.findAllByStatus(ServerStatus.RUNNING));
    if (pinned != null && fleet.stream().noneMatch(s -> s.getId().equals(pinned))) {
      servers.findById(pinned).ifPresent(fleet::add);
    }
    // an Ollama server runs no ComfyUI: no generation is routed to it, pinned or not
    fleet.removeIf(s -> s.getEngine() != ServerEngine.COMFYUI);
    Map<UUID, Server> read = new HashMap<>();
    fleet.forEach(s -> read.put(s.getId(), s));
    lastRead = read;
    List<Candidate> out = new ArrayList<>();
    for (Server s : fleet) {
      boolean up = s.getStatus() == ServerStatus.RUNNING && s.getAddresses().comfyUrl() != null;
      ServerCapabilities.Capabilities caps = up ? capabilities.of(s) : null;
      CircuitBreaker.State breaker = health.breakerState(s.getId());
      out.add(
          new Candidate(
              s.getId(),
              s.getName(),
              s.getStatus(),
              s.getSetup().done(),
              s.getHealth().state(),
              s.getDrain().active(),
              breaker != CircuitBreaker.State.OPEN && breaker != CircuitBreaker.State.FORCED_OPEN,
              caps == null ? null : caps.nodeClasses(),
              caps == null ? Map.of() : caps.models(),
              new RoutingPolicy.Load(
                  jobs.getOrDefault(s.getId(), 0),
                  work.getOrDefault(s.getId(), 0.0),
                  s.getCapacity().slots(),
                  s.getCapacity().prefetchOr(policy.defaultPrefetch()),
                  measured.getOrDefault(s.getId(), ServerSpeeds.guess(s.getLease().gpuName())),
                  checkpoints.get(s.getId())),
              s.getLease().pricePerHour(),
              s.getLease().vramMb()));
    }
    return out;
  }
}
