package io.gpufleet.scheduler.routing;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Chooses a server for one generation. Pure: everything it looks at is in its arguments (but for
 * the round-robin baseline's turn). Only running, set-up, healthy servers that are not draining,
 * whose breaker is closed and which have the node classes and models are able to run it. Among them
 * it picks the one that would finish it soonest (the work it has left plus this job, at its
 * measured speed); near ties go to the cheaper server, then to one that has the job's checkpoint
 * loaded. The job is bound to that server only if it has room (its slots plus its prefetch);
 * otherwise it waits in the platform's queue for that server rather than going deep into a slower
 * one's (late binding).
 */
public final class RoutingPolicy {

  /** Finish times this close (relative) count as a tie. */
  private static final double TIE = 0.02;

  /**
   * How a server is chosen among the able ones. {@link #SOONEST_FINISH} is the platform's; the two
   * others are the classic baselines, kept so that a benchmark (or an operator in doubt) can
   * compare on the same fleet.
   */
  public enum Strategy {
    /** The server that finishes the job soonest; the job waits for it if it is full. */
    SOONEST_FINISH,
    /** The server with the fewest jobs bound to it, among those with room. */
    LEAST_OUTSTANDING,
    /** Each server in turn, among those with room. */
    ROUND_ROBIN
  }

  private final int defaultPrefetch;
  private final Strategy strategy;
  private final AtomicInteger turn = new AtomicInteger();

  /** {@code defaultPrefetch}: how many prompts may wait on a server's ComfyUI behind its slots. */
  public RoutingPolicy(int defaultPrefetch) {
    this(defaultPrefetch, Strategy.SOONEST_FINISH);
  }

  public RoutingPolicy(int defaultPrefetch, Strategy strategy) {
    if (defaultPrefetch < 0) {
      throw new IllegalArgumentException("the prefetch must be 0 or more");
    }
    this.defaultPrefetch = defaultPrefetch;
    this.strategy = strategy;
  }

  public int defaultPrefetch() {
    return defaultPrefetch;
  }

  /**
   * How busy a server is and how fast: its bound {@code jobs} and the {@code work} they have left,
   * its {@code slots} and {@code prefetch}, its {@code speed} in work units per second (measured,
   * or its GPU's class until measured) and the {@code checkpoint} it last loaded.
   */
  public record Load(
      int jobs, double work, int slots, int prefetch, double speed, @Nullable String checkpoint) {

    public Load {
      if (!(speed > 0)) {
        throw new IllegalArgumentException("speed must be positive");
      }
    }

    /** An idle server of one slot and one prefetch. */
    public static Load idle(double speed) {
      return new Load(0, 0, 1, 1, speed, null);
    }

    public boolean hasRoom() {
      return jobs < slots + prefetch;
    }

    /** Seconds until it would be done with {@code more} work after what it has. */
    public double finishIn(double more) {
      return (work + more) / speed;
    }

    /** With one more job bound to it. */
    public Load bound(double more, @Nullable String loaded) {
      return new Load(jobs + 1, work + more, slots, prefetch, speed, loaded);
    }

    /** With work that waits for it counted, though not bound yet. */
    public Load reserved(double more) {
      return new Load(jobs, work + more, slots, prefetch, speed, checkpoint);
    }
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
      Load load,
      @Nullable BigDecimal pricePerHour,
      @Nullable Long vramMb) {

    public Candidate withLoad(Load newLoad) {
      return new Candidate(
          id,
          name,
          status,
          setUp,
          health,
          draining,
          breakerClosed,
          nodeClasses,
          models,
          newLoad,
          pricePerHour,
          vramMb);
    }

    /** Healthy, set up and not full: a job could be bound to it now. */
    public boolean canTakeMore() {
      return routable() && load.hasRoom();
    }

    /** Running, set up, healthy, not draining, its breaker closed: jobs may be routed to it. */
    public boolean routable() {
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
   * What a generation needs: node classes and models (demands), its {@code work} (see {@link
   * WorkEstimate}) and the {@code checkpoint} it loads first. {@code avoid} and {@code minVramMb}
   * are preferences (after an OOM on a server, prefer another with more memory); {@code pinned} is
   * a demand.
   */
  public record Need(
      Set<String> nodeClasses,
      List<ModelNeed> models,
      @Nullable UUID pinned,
      @Nullable UUID avoid,
      @Nullable Long minVramMb,
      double work,
      @Nullable String checkpoint) {

    /** What running {@code graph} takes: its node classes and its model files. */
    public static Need of(
        Workflow graph, @Nullable UUID pinned, @Nullable UUID avoid, @Nullable Long minVramMb) {
      List<ModelNeed> models = ModelNeed.of(graph);
      String checkpoint =
          models.stream()
              .filter(m -> m.folder().equals("checkpoints"))
              .map(ModelNeed::name)
              .findFirst()
              .orElse(null);
      return new Need(
          Set.copyOf(nodeClasses(graph)),
          models,
          pinned,
          avoid,
          minVramMb,
          WorkEstimate.of(graph),
          checkpoint);
    }

    /** The node classes {@code graph} uses, each once, sorted. */
    public static List<String> nodeClasses(Workflow graph) {
      return graph.nodes().values().stream().map(Node::classType).distinct().sorted().toList();
    }
  }

  /**
   * The answer: a server, wait (no room or no eligible server now; {@code awaiting} is the server
   * that would finish it soonest, when it is only busy), or impossible.
   */
  public sealed interface Route {
    record To(UUID serverId) implements Route {}

    record Wait(String reason, @Nullable UUID awaiting) implements Route {
      public Wait(String reason) {
        this(reason, null);
      }
    }

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
    List<Candidate> preferred = able.stream().filter(c -> !avoided(c, need)).toList();
    List<Candidate> pool = preferred.isEmpty() ? able : preferred;
    if (strategy != Strategy.SOONEST_FINISH) {
      return baseline(pool.stream().filter(c -> c.load().hasRoom()).toList());
    }
    Candidate best = soonest(pool, need);
    if (best.load().hasRoom()) {
      return new Route.To(best.id());
    }
    return new Route.Wait(best.name() + " would finish it soonest and is busy", best.id());
  }

  private Route baseline(List<Candidate> withRoom) {
    if (withRoom.isEmpty()) {
      return new Route.Wait("every able server is busy");
    }
    if (strategy == Strategy.ROUND_ROBIN) {
      List<Candidate> byId = withRoom.stream().sorted(Comparator.comparing(Candidate::id)).toList();
      return new Route.To(byId.get(Math.floorMod(turn.getAndIncrement(), byId.size())).id());
    }
    return new Route.To(
        withRoom.stream()
            .min(
                Comparator.<Candidate>comparingInt(c -> c.load().jobs())
                    .thenComparing(RoutingPolicy::price)
                    .thenComparing(Candidate::id))
            .orElseThrow()
            .id());
  }

  /**
   * The able server that would finish {@code need} soonest; near ties by price, then checkpoint.
   */
  private static Candidate soonest(List<Candidate> pool, Need need) {
    double first =
        pool.stream().mapToDouble(c -> c.load().finishIn(need.work())).min().orElseThrow();
    double limit = first * (1 + TIE) + 1e-9;
    return pool.stream()
        .filter(c -> c.load().finishIn(need.work()) <= limit)
        .min(
            Comparator.comparing(RoutingPolicy::price)
                .thenComparing(c -> !loaded(c, need))
                .thenComparingDouble(c -> c.load().finishIn(need.work()))
                .thenComparing(Candidate::id))
        .orElseThrow();
  }

  private static BigDecimal price(Candidate c) {
    return c.pricePerHour() == null ? BigDecimal.valueOf(Long.MAX_VALUE) : c.pricePerHour();
  }

  private static boolean loaded(Candidate c, Need need) {
    return need.checkpoint() != null && need.checkpoint().equals(c.load().checkpoint());
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
    if (!missing.isEmpty()) {
      return new Route.Wait("the pinned server " + c.name() + " is busy");
    }
    if (!c.load().hasRoom()) {
      return new Route.Wait("the pinned server " + c.name() + " is busy", c.id());
    }
    return new Route.To(c.id());
  }

  private static boolean avoided(Candidate c, Need need) {
    if (c.id().equals(need.avoid())) {
      return true;
    }
    return need.minVramMb() != null && c.vramMb() != null && c.vramMb() < need.minVramMb();
  }
}
