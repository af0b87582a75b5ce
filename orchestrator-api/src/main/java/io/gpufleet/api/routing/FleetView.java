package io.gpufleet.api.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.gpufleet.api.routing.RoutingPolicy.Candidate;
import io.gpufleet.persistence.generations.GenerationRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.health.HealthProber;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

  FleetView(
      ServerRepository servers,
      GenerationRepository generations,
      ServerCapabilities capabilities,
      HealthProber health,
      RoutingProperties settings) {
    this.servers = servers;
    this.generations = generations;
    this.capabilities = capabilities;
    this.health = health;
    this.policy = new RoutingPolicy(settings.maxWaitingPerServer());
  }

  public RoutingPolicy policy() {
    return policy;
  }

  /** Every running server, plus the pinned one whatever its state. */
  public List<Candidate> candidates(@Nullable UUID pinned) {
    Map<UUID, Integer> outstanding = new HashMap<>();
    for (Object[] row : generations.runningPerServer()) {
      outstanding.put((UUID) row[0], ((Number) row[1]).intValue());
    }
    List<Server> fleet = new ArrayList<>(servers.findByStatusIn(List.of(ServerStatus.RUNNING)));
    if (pinned != null && fleet.stream().noneMatch(s -> s.getId().equals(pinned))) {
      servers.findById(pinned).ifPresent(fleet::add);
    }
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
              outstanding.getOrDefault(s.getId(), 0),
              1.0,
              s.getLease().pricePerHour(),
              s.getLease().vramMb()));
    }
    return out;
  }
}
