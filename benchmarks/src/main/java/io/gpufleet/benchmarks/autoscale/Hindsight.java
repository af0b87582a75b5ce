package io.gpufleet.benchmarks.autoscale;

import io.gpufleet.benchmarks.autoscale.SimDemand.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;

/**
 * The offline minimum: with the whole week's jobs known in advance, choose for every 10 minutes the
 * fewest servers for which at most a share {@code f} of that slot's jobs wait past the target, each
 * added server paid from a start time before the slot (pre-warmed exactly, never failing), each
 * removed one stopped at the slot's end. Over a range of {@code f} (letting bursts wait where that
 * is cheap) the cheapest plan whose week-long p95 wait meets the target wins. Servers run at the
 * mean speed and pay the market price of each slot.
 */
final class Hindsight {

  static final Duration SLOT = Duration.ofMinutes(10);
  static final Duration WARM_UP = Duration.ofMinutes(2);

  private Hindsight() {}

  static Result minimum(
      List<Job> jobs, Instant start, Duration horizon, int max, Duration target, long priceSeed) {
    Result best = null;
    Result fastest = null;
    for (double f :
        new double[] {0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7}) {
      Result r = plan(jobs, start, horizon, max, target, priceSeed, f);
      if (r.p95Wait() <= target.toMillis() / 1000.0 && (best == null || r.cost() < best.cost())) {
        best = r;
      }
      if (fastest == null || r.p95Wait() < fastest.p95Wait()) {
        fastest = r;
      }
    }
    // a short horizon whose burst is over 5 % of its jobs: no plan within the maximum meets it
    return best != null ? best : fastest;
  }

  private static Result plan(
      List<Job> jobs,
      Instant start,
      Duration horizon,
      int max,
      Duration target,
      long priceSeed,
      double f) {
    long offset = start.getEpochSecond();
    double slot = SLOT.toSeconds();
    double limit = target.toMillis() / 1000.0;
    int slots = (int) Math.ceil(horizon.toSeconds() / slot);
    PriorityQueue<Double> free = new PriorityQueue<>();
    double[] waits = new double[jobs.size()];
    int w = 0;
    int next = 0;
    double cost = 0;
    int starts = 0;
    for (int k = 0; k < slots; k++) {
      double from = k * slot;
      List<Job> inSlot = new ArrayList<>();
      while (next < jobs.size() && jobs.get(next).arrival() - offset < from + slot) {
        inSlot.add(jobs.get(next++));
      }
      int chosen = inSlot.isEmpty() ? 0 : max;
      for (int n = 1; n <= max && !inSlot.isEmpty(); n++) {
        double[] trial = serve(resized(free, n, from), inSlot, offset);
        int late = 0;
        for (double x : trial) {
          if (x > limit) {
            late++;
          }
        }
        if (late <= Math.floor(f * inSlot.size())) {
          chosen = n;
          break;
        }
      }
      double price = SimDemand.marketPrice(start.plusSeconds((long) from), priceSeed);
      int added = Math.max(0, chosen - free.size());
      starts += added;
      cost += added * WARM_UP.toSeconds() / 3600.0 * price;
      cost += chosen * slot / 3600 * price;
      PriorityQueue<Double> servers = resized(free, chosen, from);
      for (double x : serve(servers, inSlot, offset)) {
        waits[w++] = x;
      }
      free = servers;
    }
    double[] all = Arrays.copyOf(waits, w);
    Arrays.sort(all);
    return new Result(
        String.format(Locale.ROOT, "offline minimum, p95 ≤ %.0f s (hindsight, f=%.3f)", limit, f),
        cost,
        SimFleet.percentile(all, 0.5),
        SimFleet.percentile(all, 0.95),
        starts,
        0,
        all.length);
  }

  /** The servers for a slot: the busiest kept, new ones free from the slot's start. */
  private static PriorityQueue<Double> resized(PriorityQueue<Double> free, int n, double from) {
    List<Double> times = new ArrayList<>(free);
    times.sort(null);
    PriorityQueue<Double> result = new PriorityQueue<>();
    for (int i = Math.max(0, times.size() - n); i < times.size(); i++) {
      result.add(times.get(i));
    }
    while (result.size() < n) {
      result.add(from);
    }
    return result;
  }

  /** FIFO on the servers (mutated), returning each job's wait. */
  private static double[] serve(PriorityQueue<Double> servers, List<Job> inSlot, long offset) {
    double[] waits = new double[inSlot.size()];
    for (int i = 0; i < inSlot.size(); i++) {
      Job job = inSlot.get(i);
      double arrival = job.arrival() - offset;
      double at = Math.max(arrival, servers.poll());
      waits[i] = at - arrival;
      servers.add(at + job.work());
    }
    return waits;
  }
}
