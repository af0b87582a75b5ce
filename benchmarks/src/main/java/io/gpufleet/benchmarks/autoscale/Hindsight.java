package io.gpufleet.benchmarks.autoscale;

import io.gpufleet.benchmarks.autoscale.SimDemand.Job;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The offline minimum: with the whole week's jobs known in advance, choose for every 10 minutes the
 * fewest servers for which at most a share {@code f} of that slot's jobs wait past the target. Over
 * a range of {@code f} (letting bursts wait where that is cheap) the cheapest plan whose week-long
 * p95 wait meets the target wins. Servers run at the mean speed and pay the market price of each
 * slot.
 *
 * <p>Hindsight knows the demand, not faster machines: the plan pays what {@link SimFleet} bills. An
 * added server is ready exactly at its slot's start (it was started in time), but its boot is
 * billed: the mean start of a stopped server (2 min) when it reuses one, the mean rental (5 min 20
 * s) otherwise. A removed server drains its job (billed) and then stops; its disk costs {@link
 * SimFleet#STORAGE_PER_HOUR} until it starts again. Knowing when it will next be needed, the plan
 * keeps a stopped server only when its storage until then costs less than the longer boot of a
 * rental (the newest stopped server is reused first); otherwise it is destroyed when it stops. A
 * start of a stopped server fails one time in seven, as in the fleet (the GPU was taken, drawn from
 * the seed): no GPU time is billed for it (the fleet bills none either), its disk was paid until
 * then and is lost, and the next stopped server or a rental takes its place without delay (the
 * failure is a minute, the plan started that much earlier). The servers running when the week
 * begins are ready from its first second, as every strategy's are.
 */
final class Hindsight {

  static final Duration SLOT = Duration.ofMinutes(10);

  private Hindsight() {}

  static Result minimum(
      List<Job> jobs,
      Instant start,
      Duration horizon,
      int min,
      int max,
      Duration target,
      long priceSeed) {
    Result best = null;
    Result fastest = null;
    for (double f :
        new double[] {0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7}) {
      Result r = plan(jobs, start, horizon, min, max, target, priceSeed, f);
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
      int min,
      int max,
      Duration target,
      long priceSeed,
      double f) {
    long offset = start.getEpochSecond();
    double slot = SLOT.toSeconds();
    double limit = target.toMillis() / 1000.0;
    int slots = (int) Math.ceil(horizon.toSeconds() / slot);
    PriorityQueue<Double> free = new PriorityQueue<>();
    Billing billing = new Billing(priceSeed);
    double[] waits = new double[jobs.size()];
    int w = 0;
    int next = 0;
    for (int k = 0; k < slots; k++) {
      double from = k * slot;
      List<Job> inSlot = new ArrayList<>();
      while (next < jobs.size() && jobs.get(next).arrival() - offset < from + slot) {
        inSlot.add(jobs.get(next++));
      }
      int chosen = inSlot.isEmpty() ? min : max;
      for (int n = Math.max(1, min); n <= max && !inSlot.isEmpty(); n++) {
        double[] trial = serve(kept(free, n, from), inSlot, offset);
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
      List<Double> times = new ArrayList<>(free);
      times.sort(null);
      for (int i = 0; i < times.size() - chosen; i++) {
        billing.stop(from, times.get(i), price); // the earliest free go
      }
      for (int i = free.size(); i < chosen && k > 0; i++) {
        billing.add(from, price); // the first slot's servers are the week's initial fleet
      }
      billing.cost += chosen * slot / 3600 * price;
      PriorityQueue<Double> servers = kept(free, chosen, from);
      for (double x : serve(servers, inSlot, offset)) {
        waits[w++] = x;
      }
      free = servers;
    }
    double[] all = Arrays.copyOf(waits, w);
    Arrays.sort(all);
    return new Result(
        String.format(Locale.ROOT, "offline minimum, p95 ≤ %.0f s (hindsight, f=%.3f)", limit, f),
        billing.cost,
        SimFleet.percentile(all, 0.5),
        SimFleet.percentile(all, 0.95),
        billing.starts,
        billing.failed,
        all.length);
  }

  /** What the plan's server changes cost, as the simulated fleet bills them. */
  private static final class Billing {
    private final SplittableRandom vast;

    /** When each stopped server stopped, the newest first. */
    private final Deque<Double> stopped = new ArrayDeque<>();

    double cost;
    int starts;
    int failed;

    Billing(long seed) {
      this.vast = new SplittableRandom(seed);
    }

    /** A server leaves at {@code from}; it drains its job (free at {@code freeAt}) first. */
    void stop(double from, double freeAt, double price) {
      double at = Math.max(from, freeAt);
      cost += (at - from) / 3600 * price;
      stopped.addFirst(at);
    }

    /**
     * A server more, ready at {@code from}: the newest stopped one if keeping it paid, or a rental.
     */
    void add(double from, double price) {
      double rentalExtra = (SimFleet.MEAN_RENT - SimFleet.MEAN_START) / 3600 * price;
      while (!stopped.isEmpty()) {
        double storage = Math.max(0, from - stopped.peekFirst()) / 3600 * SimFleet.STORAGE_PER_HOUR;
        if (storage >= rentalExtra) {
          // this one and every older one: destroyed when they stopped, nothing kept for them
          stopped.clear();
          break;
        }
        stopped.pollFirst();
        cost += storage;
        starts++;
        if (vast.nextDouble() < SimFleet.GPU_TAKEN) {
          failed++; // its GPU was taken: the disk is lost, the next one is tried
          continue;
        }
        cost += SimFleet.MEAN_START / 3600 * price;
        return;
      }
      starts++;
      cost += SimFleet.MEAN_RENT / 3600 * price;
    }
  }

  /** The servers for a slot: the busiest kept, new ones free from the slot's start. */
  private static PriorityQueue<Double> kept(PriorityQueue<Double> free, int n, double from) {
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
