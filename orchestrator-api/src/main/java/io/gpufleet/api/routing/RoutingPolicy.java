package io.gpufleet.api.routing;

import io.gpufleet.comfy.workflow.Node;
import io.gpufleet.comfy.workflow.Workflow;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.ServerStatus;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Chooses a server for one generation. Pure: everything it looks at is in its arguments. Only
 * running, set-up, healthy servers that are not draining, whose breaker is closed and which have
 * the node classes and models; with room (at most {@code maxWaiting} prompts waiting behind the
 * running one); the least outstanding work weighted by speed, then the lowest price.
 */
public final class RoutingPolicy {

  private final int maxWaiting;

  public RoutingPolicy(int maxWaiting) {
    if (maxWaiting < 0) {
      throw new IllegalArgumentException("maxWaiting must be 0 or more");
    }
    this.maxWaiting = maxWaiting;
  }

  /** A server as routing sees it now. {@code nodeClasses} null: its ComfyUI is not known yet. */
  public record Candidate(
      UUID id,
      String name,
      ServerStatus status,
      boolean setUp,
      HealthState health,
      boolean draining,
      boolean breakerClosed,
      @Nullable Set<String> nodeClasses,
      Map<String, Set<String>> models,
      int outstanding,
      double speed,
      @Nullable BigDecimal pricePerHour,
      @Nullable Long vramMb) {

    boolean routable() {
      return status == ServerStatus.RUNNING
          && setUp
          && health == HealthState.HEALTHY
          && !draining
          && breakerClosed;
    }

    public List<String> missing(Need need) {
      List<String> missing = new ArrayList<>();
      if (nodeClasses == null) {
        missing.add("its node classes are not known yet");
        return missing;
      }
      for (String cls : need.nodeClasses()) {
        if (!nodeClasses.contains(cls)) {
          missing.add("node " + cls);
        }
      }
      for (ModelNeed model : need.models()) {
        if (!models.getOrDefault(model.folder(), Set.of()).contains(model.name())) {
          missing.add("model " + model.folder() + "/" + model.name());
        }
      }
      return missing;
    }
  }

  /**
   * What a generation needs. {@code avoid} and {@code minVramMb} are preferences (after an OOM on a
   * server, prefer another with more memory); {@code pinned} is a demand.
   */
  public record Need(
      Set<String> nodeClasses,
      List<ModelNeed> models,
      @Nullable UUID pinned,
      @Nullable UUID avoid,
      @Nullable Long minVramMb) {

    /** What running {@code graph} takes: its node classes and its model files. */
    public static Need of(
        Workflow graph, @Nullable UUID pinned, @Nullable UUID avoid, @Nullable Long minVramMb) {
      return new Need(
          Set.copyOf(nodeClasses(graph)), ModelNeed.of(graph), pinned, avoid, minVramMb);
    }

    /** The node classes {@code graph} uses, each once, sorted. */
    public static List<String> nodeClasses(Workflow graph) {
      return graph.nodes().values().stream().map(Node::classType).distinct().sorted().toList();
    }
  }

  /** The answer: a server, wait (no room or no eligible server now), or impossible. */
  public sealed interface Route {
    record To(UUID serverId) implements Route {}

    record Wait(String reason) implements Route {}

    record Impossible(String reason) implements Route {}
  }

  public Route route(Need need, List<Candidate> candidates) {
    if (need.pinned() != null) {
      return pinned(need, candidates);
    }
    List<Candidate> able = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    for (Candidate c : candidates) {
      if (!c.routable()) {
        continue;
      }
      List<String> missing = c.missing(need);
      if (missing.isEmpty()) {
        able.add(c);
      } else {
        reasons.add(c.name() + " lacks " + String.join(", ", missing));
      }
    }
    if (able.isEmpty()) {
      return new Route.Wait(
          reasons.isEmpty()
              ? "no server is running and healthy"
              : "no server can run it: " + String.join("; ", reasons));
    }
    List<Candidate> withRoom = able.stream().filter(this::hasRoom).toList();
    if (withRoom.isEmpty()) {
      return new Route.Wait("every able server is busy");
    }
    List<Candidate> preferred = withRoom.stream().filter(c -> !avoided(c, need)).toList();
    List<Candidate> pool = preferred.isEmpty() ? withRoom : preferred;
    return new Route.To(pool.stream().min(ORDER).orElseThrow().id());
  }

  /**
   * Why no server of the fleet can run it, when some server is routable and none has what it needs;
   * empty when one can (or when none is up to ask).
   */
  public Optional<String> unrunnable(Need need, List<Candidate> candidates) {
    List<String> reasons = new ArrayList<>();
    for (Candidate c : candidates) {
      if (!c.routable() || c.nodeClasses() == null) {
        continue;
      }
      List<String> missing = c.missing(need);
      if (missing.isEmpty()) {
        return Optional.empty();
      }
      reasons.add(c.name() + " lacks " + String.join(", ", missing));
    }
    return reasons.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", reasons));
  }

  private Route pinned(Need need, List<Candidate> candidates) {
    Optional<Candidate> found =
        candidates.stream().filter(c -> c.id().equals(need.pinned())).findFirst();
    if (found.isEmpty()) {
      return new Route.Impossible("the pinned server " + need.pinned() + " does not exist");
    }
    Candidate c = found.get();
    if (c.status() == ServerStatus.DESTROYED
        || c.status() == ServerStatus.DESTROYING
        || c.status() == ServerStatus.ERROR) {
      return new Route.Impossible("the pinned server " + c.name() + " is " + c.status());
    }
    if (!c.routable()) {
      return new Route.Wait("the pinned server " + c.name() + " is not ready");
    }
    List<String> missing = c.missing(need);
    if (!missing.isEmpty() && c.nodeClasses() != null) {
      return new Route.Impossible(
          "the pinned server " + c.name() + " lacks " + String.join(", ", missing));
    }
    if (!missing.isEmpty() || !hasRoom(c)) {
      return new Route.Wait("the pinned server " + c.name() + " is busy");
    }
    return new Route.To(c.id());
  }

  private boolean hasRoom(Candidate c) {
    return c.outstanding() <= maxWaiting;
  }

  private static boolean avoided(Candidate c, Need need) {
    if (c.id().equals(need.avoid())) {
      return true;
    }
    return need.minVramMb() != null && c.vramMb() != null && c.vramMb() < need.minVramMb();
  }

  private static final Comparator<Candidate> ORDER =
      Comparator.<Candidate>comparingDouble(c -> c.outstanding() / Math.max(c.speed(), 0.01))
          .thenComparing(
              c -> c.pricePerHour() == null ? BigDecimal.valueOf(Long.MAX_VALUE) : c.pricePerHour())
          .thenComparing(Candidate::id);
}
