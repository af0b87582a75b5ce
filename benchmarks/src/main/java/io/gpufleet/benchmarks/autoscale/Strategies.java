package io.gpufleet.benchmarks.autoscale;

import io.gpufleet.benchmarks.autoscale.SimFleet.Server;
import io.gpufleet.benchmarks.autoscale.SimFleet.State;
import io.gpufleet.benchmarks.autoscale.SimFleet.Strategy;
import io.gpufleet.scheduler.autoscale.Autoscaler;
import io.gpufleet.scheduler.autoscale.Decision;
import io.gpufleet.scheduler.autoscale.Demand;
import io.gpufleet.scheduler.autoscale.DemandProfile;
import io.gpufleet.scheduler.autoscale.Plan;
import io.gpufleet.scheduler.autoscale.PoolPolicy;
import io.gpufleet.scheduler.autoscale.PoolServer;
import io.gpufleet.scheduler.autoscale.PoolState;
import io.gpufleet.scheduler.autoscale.ReadyTimes;
import io.gpufleet.scheduler.autoscale.RecentWaits;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The ways to run the pool that the simulation compares. */
final class Strategies {

  static final Duration TARGET = Duration.ofMinutes(2);
  static final Duration JOB = Duration.ofSeconds(30);

  private Strategies() {}

  /** A fixed fleet, rented before the week and never stopped. */
  static Strategy alwaysOn(int servers) {
    return new Strategy() {
      @Override
      public String name() {
        return "always-on, " + servers + " servers";
      }

      @Override
      public void setUp(SimFleet fleet) {
        for (int i = 0; i < servers; i++) {
          fleet.ready();
        }
      }

      @Override
      public void tick(SimFleet fleet) {}
    };
  }

  /**
   * Schedules only: one server always, {@code servers} in all on weekdays 08:00 to 20:00 (started
   * at 08:00 by the schedule, stopped with a drain at 20:00). A server that cannot start is
   * replaced.
   */
  static Strategy schedulesOnly(int servers) {
    return new Strategy() {
      @Override
      public String name() {
        return "schedules only, " + servers + " Mon-Fri 08-20, 1 else";
      }

      @Override
      public void setUp(SimFleet fleet) {
        fleet.ready();
        for (int i = 1; i < servers; i++) {
          fleet.stopped();
        }
      }

      @Override
      public void tick(SimFleet fleet) {
        ZonedDateTime t = fleet.instant().atZone(ZoneOffset.UTC);
        boolean weekday =
            t.getDayOfWeek() != DayOfWeek.SATURDAY && t.getDayOfWeek() != DayOfWeek.SUNDAY;
        boolean window = weekday && t.getHour() >= 8 && t.getHour() < 20;
        List<Server> live = live(fleet);
        for (int i = 0; i < live.size(); i++) {
          Server s = live.get(i);
          if (s.state == State.FAILED) {
            fleet.destroy(s);
            fleet.rent();
          } else if (i > 0 && window && s.state == State.STOPPED) {
            fleet.start(s);
          } else if (i > 0 && !window && s.state != State.STOPPED) {
            fleet.stop(s);
          }
        }
      }
    };
  }

  /**
   * What dstack and SkyPilot do, with a demand trigger so that it is comparable: a server more for
   * every target wait's worth of queued work (a stopped one first), any server idle 10 minutes
   * stopped, one kept.
   */
  static Strategy idleStop(Duration idle, int max) {
    return new Strategy() {
      @Override
      public String name() {
        return "idle stop after " + idle.toMinutes() + " min";
      }

      @Override
      public void setUp(SimFleet fleet) {
        fleet.ready();
      }

      @Override
      public void tick(SimFleet fleet) {
        List<Server> live = live(fleet);
        int up = 0;
        for (Server s : live) {
          if (s.state == State.FAILED) {
            fleet.destroy(s);
          } else if (s.state == State.READY || s.state == State.BOOTING) {
            up++;
          }
        }
        int wanted =
            (int)
                Math.min(
                    max, Math.ceil(fleet.queued() * JOB.toSeconds() / (double) TARGET.toSeconds()));
        for (Server s : live) {
          if (up >= wanted) {
            break;
          }
          if (s.state == State.STOPPED) {
            fleet.start(s);
            up++;
          }
        }
        for (; up < wanted; up++) {
          fleet.rent();
        }
        int running = up;
        for (Server s : live) {
          if (running > 1
              && s.state == State.READY
              && s.current == null
              && fleet.now() - s.lastBusy >= idle.toSeconds()) {
            fleet.stop(s);
            running--;
          }
        }
      }
    };
  }

  /** The platform's autoscaler: the same policy classes, fed from the simulated pool. */
  static Strategy autoscaler(PoolPolicy pool, DemandProfile profile) {
    Autoscaler policy = new Autoscaler();
    return new Strategy() {
      @Override
      public String name() {
        return "autoscaler (idle "
            + pool.idleStopAfter().toMinutes()
            + " min, forecast, wait allowance)";
      }

      @Override
      public void setUp(SimFleet fleet) {
        for (int i = 0; i < pool.minServers(); i++) {
          fleet.ready();
        }
      }

      @Override
      public void tick(SimFleet fleet) {
        Map<UUID, Server> byId = new HashMap<>();
        List<PoolServer> view = new ArrayList<>();
        Instant now = fleet.instant();
        for (Server s : live(fleet)) {
          byId.put(s.id, s);
          view.add(
              new PoolServer(
                  s.id,
                  "sim-" + s.number,
                  state(s.state),
                  at(fleet, s.stateSince),
                  at(fleet, s.lastBusy),
                  s.jobTime(),
                  s.current == null ? 0 : 1,
                  s.price,
                  false,
                  null));
        }
        PoolState state =
            new PoolState(
                now,
                pool,
                view,
                new Demand(
                    fleet.queued(),
                    null,
                    fleet.recentArrivals(10),
                    fleet.recentWaits(RecentWaits.WINDOW, pool.targetWait())),
                ReadyTimes.measured(
                    fleet.measuredStarts(), fleet.measuredRents(), ReadyTimes.TYPICAL),
                profile,
                null);
        Plan plan = policy.decide(state);
        for (Decision d : plan.decisions()) {
          Server s = d.serverId() == null ? null : byId.get(d.serverId());
          switch (d.action()) {
            case START -> fleet.start(s);
            case RENT -> fleet.rent();
            case STOP -> fleet.stop(s);
            case DESTROY -> fleet.destroy(s);
            case HOLD -> {}
          }
        }
      }
    };
  }

  private static Instant at(SimFleet fleet, double seconds) {
    return fleet.start.plusMillis((long) (seconds * 1000));
  }

  private static PoolServer.State state(State state) {
    switch (state) {
      case READY:
        return PoolServer.State.READY;
      case BOOTING:
        return PoolServer.State.BOOTING;
      case DRAINING:
        return PoolServer.State.DRAINING;
      case STOPPED:
        return PoolServer.State.STOPPED;
      default:
        return PoolServer.State.FAILED;
    }
  }

  private static List<Server> live(SimFleet fleet) {
    List<Server> live = new ArrayList<>();
    for (Server s : fleet.servers()) {
      if (s.state != State.DESTROYED) {
        live.add(s);
      }
    }
    return live;
  }
}
