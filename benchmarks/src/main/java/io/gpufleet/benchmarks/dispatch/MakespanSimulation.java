package io.gpufleet.benchmarks.dispatch;

import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.routing.RoutingPolicy;
import io.gpufleet.scheduler.routing.RoutingPolicy.Candidate;
import io.gpufleet.scheduler.routing.RoutingPolicy.Load;
import io.gpufleet.scheduler.routing.RoutingPolicy.Need;
import io.gpufleet.scheduler.routing.RoutingPolicy.Route;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * A heterogeneous fleet and a burst of mixed jobs, in simulated time, dispatched three ways: the
 * platform's own policy ({@link RoutingPolicy}: soonest finish by learned speed, late binding with
 * a prefetch of 1, jobs that wait for a busy server reserving its time), and two baselines, the
 * platform's previous policy (least outstanding jobs, up to three per server, speed unknown) and
 * round robin straight into each server's queue. Each server runs its queue in order, one job at a
 * time, a job taking a fixed cost plus its work at the server's speed. The makespan is compared
 * with a lower bound: all work spread over the whole fleet's speed. Deterministic for a seed.
 *
 * <pre>
 * java -cp benchmarks/target/gpufleet-benchmarks.jar io.gpufleet.benchmarks.dispatch.MakespanSimulation [seed]
 * </pre>
 */
public final class MakespanSimulation {

  /** The fleet: six servers, in sampler steps per second. */
  static final double[] SPEEDS = {10, 15, 20, 25, 30, 50};

  /** Seconds every job costs beyond its steps (load, decode, save), on any server. */
  static final double FIXED_COST = 0.05;

  private static final double ALPHA = 0.3;
  private static final double FIRST_GUESS = 10;
  private static final int CLAIM_BATCH = 20;

  public enum Policy {
    SOONEST_FINISH,
    LEAST_OUTSTANDING,
    ROUND_ROBIN
  }

  /** One job: its work (steps at 512x512) and its user. */
  record Job(int id, double work, int user) {}

  /** What one run of the mix gave. */
  public record Result(
      Policy policy,
      double makespan,
      double lowerBound,
      double shortOnSlowestMedian,
      double shortWaitP95) {

    public double ratio() {
      return makespan / lowerBound;
    }
  }

  private MakespanSimulation() {}

  public static void main(String[] args) {
    long seed = args.length > 0 ? Long.parseLong(args[0]) : 16;
    List<Job> jobs = mix(300, 0.8, 8, 60, 4, seed);
    System.out.println(table(jobs, seed));
  }

  /**
   * {@code n} jobs, a share {@code shortShare} of {@code shortSteps}, the rest long, users round.
   */
  static List<Job> mix(
      int n, double shortShare, int shortSteps, int longSteps, int users, long seed) {
    List<Job> jobs = new ArrayList<>();
    int shorts = (int) Math.round(n * shortShare);
    for (int i = 0; i < n; i++) {
      jobs.add(new Job(i, i < shorts ? shortSteps : longSteps, i % users));
    }
    Collections.shuffle(jobs, new Random(seed));
    List<Job> numbered = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      numbered.add(new Job(i, jobs.get(i).work(), jobs.get(i).user()));
    }
    return numbered;
  }

  static String table(List<Job> jobs, long seed) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%d jobs (%s steps), servers of %s steps/s, %.2f s fixed cost a job, seed %d%n%n",
            jobs.size(),
            summary(jobs),
            Arrays.toString(SPEEDS),
            FIXED_COST,
            seed));
    out.append(
        "| policy | makespan s | lower bound s | makespan / bound |"
            + " short jobs on the slowest server, median bound-to-finish s |"
            + " short jobs, p95 submit-to-finish s |\n");
    out.append("|---|---:|---:|---:|---:|---:|\n");
    for (Policy p : Policy.values()) {
      Result r = run(p, jobs);
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.2f | %.2f | %.1f |%n",
              p.name().toLowerCase(Locale.ROOT).replace('_', ' '),
              r.makespan(),
              r.lowerBound(),
              r.ratio(),
              r.shortOnSlowestMedian(),
              r.shortWaitP95()));
    }
    return out.toString();
  }

  private static String summary(List<Job> jobs) {
    Map<Double, Long> counts = new java.util.TreeMap<>();
    jobs.forEach(j -> counts.merge(j.work(), 1L, Long::sum));
    StringBuilder s = new StringBuilder();
    counts.forEach(
        (w, c) -> s.append(s.length() == 0 ? "" : ", ").append(c + " x " + w.intValue()));
    return s.toString();
  }

  /** The lower bound: all work over the fleet's speed, each job paying its fixed cost somewhere. */
  static double lowerBound(List<Job> jobs) {
    double fleet = Arrays.stream(SPEEDS).sum();
    double slowest = Arrays.stream(SPEEDS).min().orElseThrow();
    double work = jobs.stream().mapToDouble(Job::work).sum();
    double fluid = (work + jobs.size() * FIXED_COST * slowest) / fleet;
    double longest =
        jobs.stream().mapToDouble(Job::work).max().orElse(0)
                / Arrays.stream(SPEEDS).max().orElseThrow()
            + FIXED_COST;
    return Math.max(fluid, longest);
  }

  // --- the simulation ---------------------------------------------------------------------

  private static final class Server {
    final int index;
    final UUID id;
    final double speed;
    final Deque<Job> queue = new ArrayDeque<>();
    double measured = FIRST_GUESS;
    boolean measuredOnce;
    double busyUntil;
    double remainingWork;

    Server(int index, double speed) {
      this.index = index;
      this.id = new UUID(0, index + 1);
      this.speed = speed;
    }
  }

  private record Finish(double at, Server server, Job job) {}

  public static Result run(Policy policy, List<Job> jobs) {
    List<Server> servers = new ArrayList<>();
    for (int i = 0; i < SPEEDS.length; i++) {
      servers.add(new Server(i, SPEEDS[i]));
    }
    List<Job> waiting = new ArrayList<>(jobs);
    double[] boundAt = new double[jobs.size()];
    double[] finishedAt = new double[jobs.size()];
    int[] ranOn = new int[jobs.size()];
    PriorityQueue<Finish> events = new PriorityQueue<>((a, b) -> Double.compare(a.at(), b.at()));
    RoutingPolicy routing = new RoutingPolicy(1);
    int[] roundRobin = {0};

    double now = 0;
    int done = 0;
    while (done < jobs.size()) {
      dispatch(policy, routing, servers, waiting, now, boundAt, roundRobin, events);
      Finish next = events.poll();
      if (next == null) {
        throw new IllegalStateException(policy + " left " + waiting.size() + " jobs unbound");
      }
      now = next.at();
      Server s = next.server();
      Job job = s.queue.removeFirst();
      s.remainingWork -= job.work();
      finishedAt[job.id()] = now;
      ranOn[job.id()] = s.index;
      done++;
      // what the platform learns from the run: work over the run's own seconds
      double rate = job.work() / (FIXED_COST + job.work() / s.speed);
      s.measured = s.measuredOnce ? s.measured * (1 - ALPHA) + rate * ALPHA : rate;
      s.measuredOnce = true;
      startNext(s, now, events);
    }
    double makespan = Arrays.stream(finishedAt).max().orElse(0);
    List<Double> shortOnSlowest = new ArrayList<>();
    List<Double> shortWaits = new ArrayList<>();
    double shortest = jobs.stream().mapToDouble(Job::work).min().orElse(0);
    for (Job j : jobs) {
      if (j.work() == shortest) {
        shortWaits.add(finishedAt[j.id()]);
        if (ranOn[j.id()] == 0) {
          shortOnSlowest.add(finishedAt[j.id()] - boundAt[j.id()]);
        }
      }
    }
    return new Result(
        policy,
        makespan,
        lowerBound(jobs),
        quantile(shortOnSlowest, 0.5),
        quantile(shortWaits, 0.95));
  }

  private static void dispatch(
      Policy policy,
      RoutingPolicy routing,
      List<Server> servers,
      List<Job> waiting,
      double now,
      double[] boundAt,
      int[] roundRobin,
      PriorityQueue<Finish> events) {
    if (policy == Policy.ROUND_ROBIN) {
      for (Job job : waiting) {
        Server s = servers.get(roundRobin[0]++ % servers.size());
        bind(s, job, now, boundAt, events);
      }
      waiting.clear();
      return;
    }
    // as the platform's dispatcher: rounds of a claimed batch, one job per user per round
    for (int round = 0; round < 50; round++) {
      List<Candidate> candidates = new ArrayList<>();
      for (Server s : servers) {
        candidates.add(candidate(policy, s, now));
      }
      Set<Integer> usersServed = new HashSet<>();
      boolean any = false;
      Iterator<Job> batch =
          new ArrayList<>(waiting.subList(0, Math.min(CLAIM_BATCH, waiting.size()))).iterator();
      while (batch.hasNext()) {
        Job job = batch.next();
        if (!usersServed.add(job.user())) {
          continue;
        }
        Need need = new Need(Set.of("KSampler"), List.of(), null, null, null, job.work(), null);
        Route route = routing.route(need, candidates);
        if (route instanceof Route.To) {
          UUID id = ((Route.To) route).serverId();
          Server s = servers.stream().filter(x -> x.id.equals(id)).findFirst().orElseThrow();
          bind(s, job, now, boundAt, events);
          waiting.remove(job);
          any = true;
          replace(candidates, id, c -> c.withLoad(c.load().bound(job.work(), null)));
        } else {
          usersServed.remove(job.user());
          UUID awaiting = route instanceof Route.Wait ? ((Route.Wait) route).awaiting() : null;
          if (awaiting != null) {
            replace(candidates, awaiting, c -> c.withLoad(c.load().reserved(job.work())));
          }
        }
      }
      if (!any) {
        return;
      }
    }
  }

  private static Candidate candidate(Policy policy, Server s, double now) {
    Load load =
        policy == Policy.SOONEST_FINISH
            ? new Load(s.queue.size(), workLeft(s, now), 1, 1, s.measured, null)
            // the previous policy: up to three per server, every server as fast as the others, and
            // the least outstanding jobs first (its work is its job count)
            : new Load(s.queue.size(), s.queue.size(), 1, 2, 1.0, null);
    return new Candidate(
        s.id,
        "server-" + s.index,
        ServerStatus.RUNNING,
        true,
        HealthState.HEALTHY,
        false,
        true,
        Set.of("KSampler"),
        Map.of(),
        load,
        BigDecimal.ONE,
        null);
  }

  /** As the platform counts it: the running job by the share its progress says is left. */
  private static double workLeft(Server s, double now) {
    Job head = s.queue.peekFirst();
    if (head == null) {
      return 0;
    }
    double duration = FIXED_COST + head.work() / s.speed;
    double leftOfHead = head.work() * Math.max(0, s.busyUntil - now) / duration;
    return s.remainingWork - head.work() + leftOfHead;
  }

  private static void replace(
      List<Candidate> candidates, UUID id, java.util.function.UnaryOperator<Candidate> change) {
    for (int i = 0; i < candidates.size(); i++) {
      if (candidates.get(i).id().equals(id)) {
        candidates.set(i, change.apply(candidates.get(i)));
      }
    }
  }

  private static void bind(
      Server s, Job job, double now, double[] boundAt, PriorityQueue<Finish> events) {
    boundAt[job.id()] = now;
    s.queue.addLast(job);
    s.remainingWork += job.work();
    if (s.queue.size() == 1) {
      startNext(s, now, events);
    }
  }

  private static void startNext(Server s, double now, PriorityQueue<Finish> events) {
    Job head = s.queue.peekFirst();
    if (head != null) {
      s.busyUntil = now + FIXED_COST + head.work() / s.speed;
      events.add(new Finish(s.busyUntil, s, head));
    }
  }

  private static double quantile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1));
  }
}
