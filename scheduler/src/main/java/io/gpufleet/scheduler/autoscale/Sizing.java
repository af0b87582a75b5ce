package io.gpufleet.scheduler.autoscale;

import io.gpufleet.scheduler.autoscale.PoolServer.State;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * How many servers a pool wants now, and the figures that say why.
 *
 * <p>Two rules, the larger wins. <em>Rate</em>: the fewest servers that keep 95 % of waits under
 * the target (Erlang C) for the higher of the rate seen now and the rate the history shows for the
 * time a new server would take to be ready; so servers are started before the usual Monday-morning
 * demand, not when it arrives. <em>Backlog</em>: the jobs queued now, plus those arriving until new
 * servers could help, minus what the servers there (and booting) get through by then, need this
 * many more servers to be done within one target wait after that. A burst of a few hundred jobs
 * thus rents servers only as far as they would finish it sooner.
 *
 * <p>The rate rule's quantile comes from the {@link WaitBudget}: looser while the last hours' late
 * jobs leave most of the target's allowance unspent, the target's own near it, tighter past it.
 */
record Sizing(
    Duration jobTime,
    Duration lead,
    double rateNow,
    double rateAhead,
    int byRate,
    int byBacklog,
    int ready,
    int booting,
    int uncapped,
    int wanted,
    WaitBudget budget) {

  /** The target's own quantile: 95 % of jobs wait less than the target wait. */
  static final double QUANTILE = 0.95;

  /** Started this much before forecast demand or a schedule's start, beyond the ready time. */
  static final Duration PREWARM_MARGIN = Duration.ofMinutes(5);

  static Sizing of(PoolState state) {
    PoolPolicy policy = state.policy();
    Instant now = state.now();
    Duration jobTime = jobTime(state);
    boolean stoppedLeft = state.servers().stream().anyMatch(s -> s.state() == State.STOPPED);
    Duration readyIn = stoppedLeft ? state.readyTimes().start() : state.readyTimes().rent();
    Duration lead = readyIn.plus(PREWARM_MARGIN);

    double rateNow = state.demand().ratePerSecond();
    double rateAhead = state.profile().peakRate(now, now.plus(lead));
    double rate = Math.max(rateNow, rateAhead);
    boolean rising = rateAhead > state.profile().rateAt(now) * 1.05;
    WaitBudget budget = WaitBudget.of(state.demand().waits(), rising);
    int byRate = Queueing.serversFor(rate, jobTime, policy.targetWait(), budget.quantile());

    int ready = count(state, State.READY);
    int booting = count(state, State.BOOTING);
    int byBacklog = byBacklog(state, jobTime, readyIn, rate, ready, booting);

    int uncapped = Math.max(policy.minServers(), Math.max(byRate, byBacklog));
    int wanted = Math.min(uncapped, policy.maxServers());
    long mustRun =
        state.servers().stream().filter(s -> s.scheduledUp() && s.state() != State.FAILED).count();
    wanted = Math.max(wanted, (int) mustRun);
    return new Sizing(
        jobTime, lead, rateNow, rateAhead, byRate, byBacklog, ready, booting, uncapped, wanted,
        budget);
  }

  private static int byBacklog(
      PoolState state, Duration jobTime, Duration readyIn, double rate, int ready, int booting) {
    Demand demand = state.demand();
    double jobSeconds = Queueing.seconds(jobTime);
    double backlog =
        demand.queuedWork() != null
            ? Queueing.seconds(demand.queuedWork()) / jobSeconds
            : demand.queued();
    if (backlog <= 0) {
      return 0;
    }
    double target = Queueing.seconds(state.policy().targetWait());
    double horizon = Queueing.seconds(readyIn) + target;
    double work = backlog + rate * horizon;
    double done = ready * horizon / jobSeconds;
    for (PoolServer server : state.servers()) {
      if (server.state() == State.BOOTING) {
        double booted = Queueing.seconds(Duration.between(server.stateSince(), state.now()));
        double left = Math.max(0, Queueing.seconds(state.readyTimes().rent()) - booted);
        done += Math.max(0, horizon - left) / jobSeconds;
      }
    }
    double perNewServer = target / jobSeconds;
    int extra = (int) Math.ceil(Math.max(0, work - done) / perNewServer - 1e-9);
    // a queue the servers there get through in time asks for nothing (nor keeps anything)
    return extra == 0 ? 0 : ready + booting + extra;
  }

  /** The mean measured time per job of the pool's servers, or the pool's default. */
  private static Duration jobTime(PoolState state) {
    long millis = 0;
    int measured = 0;
    for (PoolServer server : state.servers()) {
      if (server.jobTime() != null && server.state() != State.FAILED) {
        millis += server.jobTime().toMillis();
        measured++;
      }
    }
    return measured == 0 ? state.policy().defaultJobTime() : Duration.ofMillis(millis / measured);
  }

  private static int count(PoolState state, State wanted) {
    return (int) state.servers().stream().filter(s -> s.state() == wanted).count();
  }

  int capacity() {
    return ready + booting;
  }

  String summary(PoolState state) {
    Demand demand = state.demand();
    return String.format(
        Locale.ROOT,
        "queue %d; %.1f jobs/min now, %.1f/min usual within %d min; %.0f s per job;"
            + " the rate needs %d, the backlog %d; want %d, have %d ready + %d booting%s",
        demand.queued(),
        rateNow * 60,
        rateAhead * 60,
        lead.toMinutes(),
        Queueing.seconds(jobTime),
        byRate,
        byBacklog,
        wanted,
        ready,
        booting,
        budget.summary());
  }
}
