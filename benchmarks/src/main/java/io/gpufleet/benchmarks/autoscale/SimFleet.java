package io.gpufleet.benchmarks.autoscale;

import io.gpufleet.benchmarks.autoscale.SimDemand.Job;
import io.gpufleet.scheduler.autoscale.RecentWaits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The simulated pool: a FIFO queue, servers that run one job at a time, and Vast.ai's behaviour — a
 * start takes 1 to 4 minutes, a rental 3 to 10, a stopped server cannot start again one time in
 * seven because its GPU was rented by someone else, and each rental pays the market price of its
 * moment. Time is virtual, in seconds from the start of the week.
 */
final class SimFleet {

  /** A stopped server's disk, in $/h (Vast bills storage while an instance is stopped). */
  static final double STORAGE_PER_HOUR = 0.02;

  static final double GPU_TAKEN = 1 / 7.0;

  /** A start of a stopped server: ready after START_MIN + START_RANGE × u² seconds, u uniform. */
  static final double START_MIN = 60;

  static final double START_RANGE = 180;

  /** A rental: ready after RENT_MIN + RENT_RANGE × u² seconds (it downloads everything). */
  static final double RENT_MIN = 180;

  static final double RENT_RANGE = 420;

  /** The mean billed boot of a start of a stopped server: E[u²] = 1/3, so 2 min. */
  static final double MEAN_START = START_MIN + START_RANGE / 3;

  /** The mean billed boot of a rental: 5 min 20 s. */
  static final double MEAN_RENT = RENT_MIN + RENT_RANGE / 3;

  static final Duration TICK = Duration.ofSeconds(30);

  enum State {
    BOOTING,
    READY,
    DRAINING,
    STOPPED,
    FAILED,
    DESTROYED
  }

  static final class Server {
    final int number;
    final UUID id;
    final double price;
    final double speed;
    State state = State.BOOTING;
    double stateSince;
    double lastBusy;
    int epoch;
    @Nullable Job current;
    double bootBegan;
    boolean rented;
    double billingFrom = Double.NaN;
    double storageFrom = Double.NaN;
    double doneSeconds;
    int doneJobs;

    Server(int number, double price, double speed) {
      this.number = number;
      this.id = new UUID(0, number);
      this.price = price;
      this.speed = speed;
    }

    @Nullable Duration jobTime() {
      return doneJobs == 0 ? null : Duration.ofMillis((long) (doneSeconds / doneJobs * 1000));
    }
  }

  private record Event(double at, long seq, int kind, @Nullable Server server, int epoch) {}

  private static final int ARRIVAL = 0;
  private static final int TICK_EVENT = 1;
  private static final int READY = 2;
  private static final int FAIL = 3;
  private static final int DONE = 4;

  final Instant start;
  private final List<Job> jobs;
  private final double end;
  private final long priceSeed;
  private final SplittableRandom vast;
  private final PriorityQueue<Event> events =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Double.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
  private final Deque<Job> queue = new ArrayDeque<>();
  private final List<Server> servers = new ArrayList<>();
  private final int[] arrivalsPerMinute;
  private final List<Duration> startTimes = new ArrayList<>();
  private final List<Duration> rentTimes = new ArrayList<>();
  private final StartedJobs startedJobs;
  private long seq;
  private double now;
  private double cost;
  private int serversStarted;
  private int failedStarts;

  SimFleet(Instant start, List<Job> jobs, Duration horizon, long seed) {
    this.start = start;
    this.jobs = jobs;
    this.end = horizon.toSeconds();
    this.priceSeed = seed;
    this.vast = new SplittableRandom(seed);
    this.arrivalsPerMinute = new int[(int) (end / 60) + 2];
    this.startedJobs = new StartedJobs(jobs.size());
  }

  /** Runs the strategy over the horizon and returns what it cost and how long jobs waited. */
  Result run(Strategy strategy) {
    strategy.setUp(this);
    long offset = start.getEpochSecond();
    for (int i = 0; i < jobs.size(); i++) {
      schedule(jobs.get(i).arrival() - offset, ARRIVAL, null, i);
    }
    for (double t = 0; t < end; t += TICK.toSeconds()) {
      schedule(t, TICK_EVENT, null, 0);
    }
    while (!events.isEmpty()) {
      Event e = events.poll();
      if (e.at >= end) {
        break;
      }
      now = e.at;
      switch (e.kind) {
        case ARRIVAL -> arrive(jobs.get(e.epoch));
        case TICK_EVENT -> strategy.tick(this);
        default -> serverEvent(e);
      }
    }
    now = end;
    for (Server s : servers) {
      settle(s);
    }
    // jobs never started waited until the end
    int n = startedJobs.size();
    double[] all = startedJobs.waits(queue.size());
    for (Job job : queue) {
      all[n++] = end - (job.arrival() - offset);
    }
    Arrays.sort(all);
    return new Result(
        strategy.name(),
        cost,
        percentile(all, 0.50),
        percentile(all, 0.95),
        serversStarted,
        failedStarts,
        all.length);
  }

  // --- what strategies see and do ----------------------------------------------------------

  double now() {
    return now;
  }

  Instant instant() {
    return start.plusMillis((long) (now * 1000));
  }

  List<Server> servers() {
    return servers;
  }

  int queued() {
    return queue.size();
  }

  /** Arrivals in each of the last {@code minutes} whole minutes, oldest first. */
  List<Integer> recentArrivals(int minutes) {
    int current = (int) (now / 60);
    List<Integer> counts = new ArrayList<>();
    for (int m = Math.max(0, current - minutes); m < current; m++) {
      counts.add(arrivalsPerMinute[m]);
    }
    return counts;
  }

  /**
   * How the jobs that arrived in the last {@code window} waited against {@code bound}: those
   * started (their wait is known) and those queued longer than the bound (late already), as the
   * platform counts them from its generations. One bound per simulation.
   */
  RecentWaits recentWaits(Duration window, Duration bound) {
    double limit = bound.toMillis() / 1000.0;
    double from = now - window.toSeconds();
    int[] counts = startedJobs.since(from, limit);
    int jobs = counts[0];
    int late = counts[1];
    long offset = start.getEpochSecond();
    for (Job job : queue) {
      double arrival = job.arrival() - offset;
      if (arrival >= from && now - arrival > limit) {
        jobs++;
        late++;
      }
    }
    return new RecentWaits(jobs, late);
  }

  List<Duration> measuredStarts() {
    return startTimes;
  }

  List<Duration> measuredRents() {
    return rentTimes;
  }

  /** A server that was rented before the week began and runs from its first second. */
  Server ready() {
    Server s = newServer(SimDemand.marketPrice(start, priceSeed));
    s.state = State.READY;
    s.billingFrom = 0;
    return s;
  }

  /** A server that exists, stopped, when the week begins. */
  Server stopped() {
    Server s = newServer(SimDemand.marketPrice(start, priceSeed));
    s.state = State.STOPPED;
    s.storageFrom = 0;
    return s;
  }

  Server rent() {
    double price = SimDemand.marketPrice(instant(), priceSeed) * vast.nextDouble(0.95, 1.05);
    Server s = newServer(price);
    s.rented = true;
    s.billingFrom = now;
    boot(s, RENT_MIN + sample(RENT_RANGE));
    serversStarted++;
    return s;
  }

  void start(Server s) {
    if (s.state == State.DRAINING) {
      move(s, State.READY);
      dispatch();
      return;
    }
    if (s.state != State.STOPPED) {
      return;
    }
    serversStarted++;
    s.rented = false;
    if (vast.nextDouble() < GPU_TAKEN) {
      reset(s, State.BOOTING);
      schedule(now + 60, FAIL, s, s.epoch);
      return;
    }
    stopStorage(s);
    s.billingFrom = now;
    boot(s, START_MIN + sample(START_RANGE));
  }

  /** Drains: a busy server finishes its job, then stops. */
  void stop(Server s) {
    if (s.state == State.READY && s.current != null) {
      move(s, State.DRAINING);
    } else if (s.state == State.READY || s.state == State.BOOTING) {
      stopNow(s);
    } // a draining server stops when its job is done
  }

  void destroy(Server s) {
    if (s.current != null) {
      queue.addFirst(s.current);
      s.current = null;
    }
    stopBilling(s);
    stopStorage(s);
    reset(s, State.DESTROYED);
  }

  // --- the engine ----------------------------------------------------------------------------

  private Server newServer(double price) {
    Server s = new Server(servers.size() + 1, price, vast.nextDouble(0.85, 1.15));
    s.stateSince = now;
    s.lastBusy = now;
    servers.add(s);
    return s;
  }

  private void boot(Server s, double seconds) {
    reset(s, State.BOOTING);
    s.bootBegan = now;
    schedule(now + seconds, READY, s, s.epoch);
  }

  /** Mostly short, now and then long: a skewed draw in [0, range]. */
  private double sample(double range) {
    double u = vast.nextDouble();
    return range * u * u;
  }

  private void arrive(Job job) {
    arrivalsPerMinute[(int) (now / 60)]++;
    queue.addLast(job);
    dispatch();
  }

  private void serverEvent(Event e) {
    Server s = e.server;
    if (s == null || s.epoch != e.epoch) {
      return; // stale: the server was stopped or destroyed since
    }
    if (e.kind == READY) {
      (s.rented ? rentTimes : startTimes).add(Duration.ofSeconds((long) (now - s.bootBegan)));
      s.lastBusy = now;
      move(s, State.READY);
    } else if (e.kind == FAIL) {
      failedStarts++;
      move(s, State.FAILED);
    } else {
      Job job = s.current;
      s.current = null;
      s.lastBusy = now;
      if (job != null) {
        s.doneSeconds += job.work() / s.speed;
        s.doneJobs++;
      }
      if (s.state == State.DRAINING) {
        stopNow(s);
      }
    }
    dispatch();
  }

  private void dispatch() {
    while (!queue.isEmpty()) {
      Server free = null;
      for (Server s : servers) {
        // packing: the longest-running server first, so that a surplus one goes idle and can stop
        if (s.state == State.READY && s.current == null) {
          free = s;
          break;
        }
      }
      if (free == null) {
        return;
      }
      Job job = queue.pollFirst();
      free.current = job;
      double arrival = job.arrival() - start.getEpochSecond();
      startedJobs.add(arrival, now - arrival);
      schedule(now + job.work() / free.speed, DONE, free, free.epoch);
    }
  }

  private void stopNow(Server s) {
    stopBilling(s);
    s.storageFrom = now;
    reset(s, State.STOPPED);
  }

  /** Changes state; pending events of the server stay valid (a drain waits for its job). */
  private void move(Server s, State state) {
    s.state = state;
    s.stateSince = now;
  }

  /** Changes state and drops the server's pending events (it stopped, or boots anew). */
  private void reset(Server s, State state) {
    move(s, state);
    s.epoch++;
  }

  private void stopBilling(Server s) {
    if (!Double.isNaN(s.billingFrom)) {
      cost += (now - s.billingFrom) / 3600 * s.price;
      s.billingFrom = Double.NaN;
    }
  }

  private void stopStorage(Server s) {
    if (!Double.isNaN(s.storageFrom)) {
      cost += (now - s.storageFrom) / 3600 * STORAGE_PER_HOUR;
      s.storageFrom = Double.NaN;
    }
  }

  private void settle(Server s) {
    stopBilling(s);
    stopStorage(s);
  }

  private void schedule(double at, int kind, @Nullable Server server, int epoch) {
    events.add(new Event(at, seq++, kind, server, epoch));
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** What one strategy does at the start and every tick. */
  interface Strategy {
    String name();

    default void setUp(SimFleet fleet) {}

    void tick(SimFleet fleet);
  }
}
