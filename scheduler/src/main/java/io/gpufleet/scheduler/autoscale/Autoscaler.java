package io.gpufleet.scheduler.autoscale;

import io.gpufleet.scheduler.autoscale.PoolServer.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The autoscaler's policy for one pool: sizes it ({@link Sizing}), then picks the servers. Adds
 * capacity cheapest-first: a draining server taken back, then a stopped one (it keeps its disk and
 * models), then a new rental. Removes only servers idle past the pool's limit, never below the
 * minimum, never one a schedule keeps up. Starts nothing when the budget guard refuses. Pure: the
 * same state always gives the same plan.
 */
public final class Autoscaler {

  /** Stopped servers the forecast of this long needs are kept, not destroyed. */
  static final Duration KEEP_FOR_FORECAST = Duration.ofHours(24);

  /** How the reason of a failed server's destruction begins (the platform backs off on it). */
  public static final String FAILED_SERVER = "it failed";

  public Plan decide(PoolState state) {
    Sizing sizing = Sizing.of(state);
    String summary = sizing.summary(state);
    List<Decision> decisions = new ArrayList<>();
    Set<UUID> acted = new HashSet<>();
    Instant now = state.now();

    for (PoolServer server : state.servers()) {
      if (server.state() == State.FAILED) {
        decisions.add(
            Decision.destroy(
                server,
                FAILED_SERVER
                    + " (its GPU was taken or its machine died) at "
                    + server.stateSince()
                    + "; a working server replaces it if one is wanted"));
        acted.add(server.id());
      }
    }

    int planned = sizing.capacity() + scheduledStarts(state, decisions, acted);
    int need = sizing.wanted() - planned;
    if (need > 0) {
      planned += addCapacity(state, sizing, need, summary, decisions, acted);
    } else if (need < 0) {
      planned -= removeCapacity(state, sizing, -need, summary, decisions, acted);
    }
    if (sizing.uncapped() > sizing.wanted() && state.budgetRefusal() == null) {
      // say so, or an admin reading the log sees a queue and no rental and cannot tell why
      decisions.add(
          new Decision(
              Decision.Action.HOLD,
              null,
              sizing.uncapped()
                  + " server(s) wanted, but the pool's maximum is "
                  + state.policy().maxServers()
                  + " ("
                  + summary
                  + ")"));
    }
    destroyLongStopped(state, sizing, planned, decisions, acted);
    return new Plan(sizing.wanted(), sizing.capacity(), decisions, summary);
  }

  /** Starts what a schedule keeps up now, and pre-warms what a schedule will start soon. */
  private static int scheduledStarts(PoolState state, List<Decision> decisions, Set<UUID> acted) {
    Instant warmFrom = state.now().plus(state.readyTimes().start()).plus(Sizing.PREWARM_MARGIN);
    int started = 0;
    for (PoolServer server : stoppedByNextStart(state)) {
      String reason;
      if (server.scheduledUp()) {
        reason = "its schedule keeps it up now";
      } else if (server.nextScheduledStart() != null
          && !server.nextScheduledStart().isAfter(warmFrom)) {
        reason =
            "pre-warm: its schedule starts it at "
                + server.nextScheduledStart()
                + " and a start takes up to "
                + minutes(state.readyTimes().start());
      } else {
        continue;
      }
      acted.add(server.id());
      if (state.budgetRefusal() != null) {
        decisions.add(
            new Decision(
                Decision.Action.HOLD, server.id(), reason + ", but " + state.budgetRefusal()));
      } else {
        decisions.add(Decision.start(server, reason));
        started++;
      }
    }
    return started;
  }

  private static int addCapacity(
      PoolState state,
      Sizing sizing,
      int need,
      String summary,
      List<Decision> decisions,
      Set<UUID> acted) {
    if (state.budgetRefusal() != null) {
      decisions.add(
          new Decision(
              Decision.Action.HOLD,
              null,
              need + " more server(s) wanted (" + summary + "), but " + state.budgetRefusal()));
      return 0;
    }
    int added = 0;
    for (PoolServer server : inState(state, State.DRAINING, acted)) {
      if (added == need) {
        return added;
      }
      decisions.add(Decision.start(server, "wanted again, so it stops draining (" + summary + ")"));
      acted.add(server.id());
      added++;
    }
    List<PoolServer> stopped = inState(state, State.STOPPED, acted);
    // the cheapest first, then the one stopped last (its models are the newest)
    stopped.sort(
        Comparator.comparingDouble(PoolServer::pricePerHour)
            .thenComparing(PoolServer::stateSince, Comparator.reverseOrder())
            .thenComparing(PoolServer::id));
    for (PoolServer server : stopped) {
      if (added == need) {
        return added;
      }
      decisions.add(
          Decision.start(
              server,
              "a stopped server first: it keeps its disk and is ready in up to "
                  + minutes(state.readyTimes().start())
                  + " ("
                  + summary
                  + ")"));
      acted.add(server.id());
      added++;
    }
    for (; added < need; added++) {
      decisions.add(
          new Decision(
              Decision.Action.RENT,
              null,
              "no stopped server left; a new one is ready in up to "
                  + minutes(state.readyTimes().rent())
                  + " ("
                  + summary
                  + ")"));
    }
    return added;
  }

  private static int removeCapacity(
      PoolState state,
      Sizing sizing,
      int surplus,
      String summary,
      List<Decision> decisions,
      Set<UUID> acted) {
    if (state.demand().queued() > 0) {
      return 0; // jobs wait: whatever is idle is about to get one
    }
    Duration poolLimit = state.policy().idleStopAfter();
    Duration limit = sizing.budget().idleLimit(state.policy());
    String limitSays =
        limit.equals(poolLimit)
            ? "limit " + minutes(limit)
            : "limit "
                + minutes(limit)
                + " while the wait allowance is unspent, the pool's "
                + minutes(poolLimit);
    List<PoolServer> idle = new ArrayList<>();
    for (PoolServer server : inState(state, State.READY, acted)) {
      if (!server.scheduledUp() && server.idleFor(state.now()).compareTo(limit) >= 0) {
        idle.add(server);
      }
    }
    // the dearest first, then the one idle longest
    idle.sort(
        Comparator.comparingDouble(PoolServer::pricePerHour)
            .reversed()
            .thenComparing(PoolServer::lastBusyAt)
            .thenComparing(PoolServer::id));
    int stopped = 0;
    for (PoolServer server : idle) {
      if (stopped == surplus) {
        break;
      }
      decisions.add(
          Decision.stop(
              server,
              "idle for "
                  + minutes(server.idleFor(state.now()))
                  + " ("
                  + limitSays
                  + ") and not needed ("
                  + summary
                  + ")"));
      acted.add(server.id());
      stopped++;
    }
    return stopped;
  }

  /**
   * Destroys servers stopped past the pool's limit, keeping as many stopped as the next day's usual
   * peak could start (the newest of them).
   */
  private static void destroyLongStopped(
      PoolState state, Sizing sizing, int planned, List<Decision> decisions, Set<UUID> acted) {
    Duration limit = state.policy().destroyStoppedAfter();
    if (limit == null) {
      return;
    }
    Instant now = state.now();
    double peak = state.profile().peakRate(now, now.plus(KEEP_FOR_FORECAST));
    int peakServers =
        Queueing.serversFor(peak, sizing.jobTime(), state.policy().targetWait(), Sizing.QUANTILE);
    int keep = Math.max(0, Math.min(peakServers, state.policy().maxServers()) - planned);
    List<PoolServer> stopped = inState(state, State.STOPPED, acted);
    stopped.sort(
        Comparator.comparing(PoolServer::stateSince, Comparator.reverseOrder())
            .thenComparing(PoolServer::id));
    for (int i = keep; i < stopped.size(); i++) {
      PoolServer server = stopped.get(i);
      boolean old = !server.stateSince().plus(limit).isAfter(now);
      boolean scheduledSoon =
          server.nextScheduledStart() != null
              && server.nextScheduledStart().isBefore(now.plus(KEEP_FOR_FORECAST));
      if (old && !scheduledSoon) {
        decisions.add(
            Decision.destroy(
                server,
                "stopped since "
                    + server.stateSince()
                    + " (limit "
                    + minutes(limit)
                    + "); the next 24 h's usual peak needs "
                    + peakServers
                    + " server(s), "
                    + planned
                    + " run and "
                    + keep
                    + " stopped are kept"));
        acted.add(server.id());
      }
    }
  }

  private static List<PoolServer> stoppedByNextStart(PoolState state) {
    List<PoolServer> stopped = inState(state, State.STOPPED, Set.of());
    stopped.sort(
        Comparator.comparing(
                PoolServer::nextScheduledStart, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(PoolServer::id));
    return stopped;
  }

  private static List<PoolServer> inState(PoolState state, State wanted, Set<UUID> except) {
    List<PoolServer> found = new ArrayList<>();
    for (PoolServer server : state.servers()) {
      if (server.state() == wanted && !except.contains(server.id())) {
        found.add(server);
      }
    }
    return found;
  }

  private static String minutes(Duration d) {
    long seconds = d.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min" : String.format("%.1f min", seconds / 60.0);
  }
}
