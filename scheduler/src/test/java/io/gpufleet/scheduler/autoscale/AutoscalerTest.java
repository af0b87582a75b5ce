package io.gpufleet.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.scheduler.autoscale.Decision.Action;
import io.gpufleet.scheduler.autoscale.PoolServer.State;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AutoscalerTest {

  // a Wednesday
  static final Instant NOW = Instant.parse("2026-06-03T10:00:00Z");
  static final PoolPolicy POOL =
      new PoolPolicy(
          "sdxl",
          1,
          6,
          Duration.ofMinutes(2),
          Duration.ofMinutes(10),
          Duration.ofHours(24),
          Duration.ofSeconds(30));

  private final Autoscaler autoscaler = new Autoscaler();
  private int names;

  PoolServer server(State state, Duration idle) {
    return server(state, idle, 0.5, false, null);
  }

  PoolServer server(
      State state, Duration idle, double price, boolean scheduledUp, @Nullable Instant nextStart) {
    names++;
    return new PoolServer(
        new UUID(0, names),
        "gpu-" + names,
        state,
        NOW.minus(idle),
        NOW.minus(idle),
        Duration.ofSeconds(30),
        0,
        price,
        scheduledUp,
        nextStart);
  }

  static Demand queue(int queued, int perMinute) {
    return new Demand(queued, null, Collections.nCopies(10, perMinute));
  }

  Plan decide(List<PoolServer> servers, Demand demand) {
    return decide(POOL, servers, demand, DemandProfile.EMPTY, null);
  }

  Plan decide(
      PoolPolicy pool,
      List<PoolServer> servers,
      Demand demand,
      DemandProfile profile,
      @Nullable String budget) {
    return autoscaler.decide(
        new PoolState(NOW, pool, servers, demand, ReadyTimes.TYPICAL, profile, budget));
  }

  @Nested
  class ScalingUp {

    @Test
    void startsAStoppedServerBeforeRentingANewOne() {
      PoolServer ready = server(State.READY, Duration.ZERO);
      PoolServer stopped = server(State.STOPPED, Duration.ofHours(2));
      Plan plan = decide(List.of(ready, stopped), queue(20, 6));
      assertThat(plan.of(Action.START)).extracting(Decision::serverId).contains(stopped.id());
      assertThat(plan.decisions().get(0).reason()).contains("a stopped server first");
    }

    @Test
    void rentsWhenNoStoppedServerIsLeft() {
      Plan plan = decide(List.of(server(State.READY, Duration.ZERO)), queue(20, 6));
      assertThat(plan.of(Action.RENT)).isNotEmpty();
      assertThat(plan.of(Action.RENT).get(0).reason()).contains("no stopped server left");
    }

    @Test
    void aSteadyRateGetsTheServersThatKeepTheWaitUnderTheTarget() {
      // 8 jobs a minute of 30 s each is 4 erlangs: Erlang C wants 6 for p95 under 2 min
      Plan plan = decide(List.of(server(State.READY, Duration.ZERO)), queue(0, 8));
      assertThat(plan.wanted()).isBetween(5, 6);
      assertThat(plan.of(Action.RENT)).hasSize(plan.wanted() - 1);
    }

    @Test
    void neverRentsPastTheMaximum() {
      Plan plan = decide(List.of(server(State.READY, Duration.ZERO)), queue(2_000, 60));
      assertThat(plan.wanted()).isEqualTo(6);
      assertThat(plan.of(Action.RENT)).hasSize(5);
      assertThat(plan.of(Action.HOLD))
          .singleElement()
          .satisfies(hold -> assertThat(hold.reason()).contains("the pool's maximum is 6"));
    }

    @Test
    void aSmallQueueThatTheServersClearInTimeRentsNothing() {
      Plan plan =
          decide(
              List.of(server(State.READY, Duration.ZERO), server(State.READY, Duration.ZERO)),
              queue(3, 1));
      assertThat(plan.decisions()).isEmpty();
    }

    @Test
    void aBurstRentsOnlyAsFarAsNewServersFinishItSooner() {
      PoolPolicy big =
          new PoolPolicy(
              "big",
              1,
              20,
              Duration.ofMinutes(2),
              Duration.ofMinutes(10),
              null,
              Duration.ofSeconds(30));
      List<PoolServer> two =
          List.of(server(State.READY, Duration.ZERO), server(State.READY, Duration.ZERO));
      // two servers get through 32 jobs before a new one (ready in 6 min) could help
      assertThat(decide(big, two, queue(30, 0), DemandProfile.EMPTY, null).decisions()).isEmpty();
      // 60 leave 28 jobs, 4 per new server in one target wait: 7 servers
      assertThat(decide(big, two, queue(60, 0), DemandProfile.EMPTY, null).of(Action.RENT))
          .hasSize(7);
    }

    @Test
    void aDrainingServerIsTakenBackBeforeAnythingStarts() {
      PoolServer draining = server(State.DRAINING, Duration.ZERO);
      PoolServer stopped = server(State.STOPPED, Duration.ofHours(1));
      Plan plan = decide(List.of(draining, stopped), queue(10, 4));
      assertThat(plan.decisions().get(0).action()).isEqualTo(Action.START);
      assertThat(plan.decisions().get(0).serverId()).isEqualTo(draining.id());
      assertThat(plan.decisions().get(0).reason()).contains("stops draining");
    }

    @Test
    void bootingServersCountAsCapacity() {
      Plan plan =
          decide(
              List.of(
                  server(State.READY, Duration.ZERO),
                  server(State.BOOTING, Duration.ofMinutes(1)),
                  server(State.BOOTING, Duration.ofMinutes(1))),
              queue(0, 3));
      assertThat(plan.of(Action.RENT)).isEmpty();
    }

    @Test
    void theCheapestStoppedServerStartsFirst() {
      PoolServer dear = server(State.STOPPED, Duration.ofHours(1), 0.9, false, null);
      PoolServer cheap = server(State.STOPPED, Duration.ofHours(1), 0.3, false, null);
      Plan plan = decide(List.of(dear, cheap), queue(1, 0));
      assertThat(plan.of(Action.START)).extracting(Decision::serverId).containsExactly(cheap.id());
    }

    @Test
    void theMinimumIsRentedWithNoDemandAtAll() {
      Plan plan = decide(List.of(), Demand.NONE);
      assertThat(plan.of(Action.RENT)).hasSize(1);
    }
  }

  @Nested
  class ScalingDown {

    @Test
    void stopsAServerIdlePastTheLimit() {
      PoolServer a = server(State.READY, Duration.ofMinutes(30));
      PoolServer b = server(State.READY, Duration.ofMinutes(30));
      Plan plan = decide(List.of(a, b), Demand.NONE);
      assertThat(plan.of(Action.STOP)).hasSize(1);
      assertThat(plan.of(Action.STOP).get(0).reason()).contains("idle for 30 min (limit 10 min)");
    }

    @Test
    void neverGoesBelowTheMinimum() {
      Plan plan = decide(List.of(server(State.READY, Duration.ofHours(5))), Demand.NONE);
      assertThat(plan.decisions()).isEmpty();
    }

    @Test
    void keepsAServerIdleForLessThanTheLimit() {
      Plan plan =
          decide(
              List.of(
                  server(State.READY, Duration.ofMinutes(30)),
                  server(State.READY, Duration.ofMinutes(5))),
              Demand.NONE);
      assertThat(plan.of(Action.STOP)).hasSize(1);
      assertThat(plan.of(Action.STOP).get(0).reason()).contains("30 min");
    }

    @Test
    void neverStopsAServerItsScheduleKeepsUp() {
      PoolServer scheduled = server(State.READY, Duration.ofHours(1), 0.9, true, null);
      PoolServer other = server(State.READY, Duration.ofHours(1), 0.4, false, null);
      Plan plan =
          decide(
              new PoolPolicy(
                  "p",
                  0,
                  6,
                  Duration.ofMinutes(2),
                  Duration.ofMinutes(10),
                  null,
                  Duration.ofSeconds(30)),
              List.of(scheduled, other),
              Demand.NONE,
              DemandProfile.EMPTY,
              null);
      assertThat(plan.of(Action.STOP)).extracting(Decision::serverId).containsExactly(other.id());
    }

    @Test
    void stopsTheDearestIdleServerFirst() {
      PoolServer cheap = server(State.READY, Duration.ofHours(1), 0.3, false, null);
      PoolServer dear = server(State.READY, Duration.ofHours(1), 0.9, false, null);
      Plan plan = decide(List.of(cheap, dear), Demand.NONE);
      assertThat(plan.of(Action.STOP)).extracting(Decision::serverId).containsExactly(dear.id());
    }

    @Test
    void nothingStopsWhileJobsWait() {
      Plan plan =
          decide(
              List.of(
                  server(State.READY, Duration.ofHours(1)),
                  server(State.READY, Duration.ofHours(1))),
              queue(1, 0));
      assertThat(plan.of(Action.STOP)).isEmpty();
    }

    @Test
    void aServerStoppedPastTheLimitIsDestroyedWhenNoForecastNeedsIt() {
      PoolServer ready = server(State.READY, Duration.ZERO);
      PoolServer old = server(State.STOPPED, Duration.ofHours(30));
      PoolServer recent = server(State.STOPPED, Duration.ofHours(2));
      Plan plan = decide(List.of(ready, old, recent), Demand.NONE);
      assertThat(plan.of(Action.DESTROY)).extracting(Decision::serverId).containsExactly(old.id());
    }

    @Test
    void aLongStoppedServerTheNextDaysPeakNeedsIsKept() {
      PoolServer ready = server(State.READY, Duration.ZERO);
      PoolServer old = server(State.STOPPED, Duration.ofHours(30));
      Plan plan = decide(POOL, List.of(ready, old), Demand.NONE, busyAt(14, 6), null);
      assertThat(plan.of(Action.DESTROY)).isEmpty();
    }

    @Test
    void aFailedServerIsDestroyedAndReplaced() {
      PoolServer failed = server(State.FAILED, Duration.ofMinutes(1));
      Plan plan = decide(List.of(failed), queue(5, 2));
      assertThat(plan.of(Action.DESTROY))
          .extracting(Decision::serverId)
          .containsExactly(failed.id());
      assertThat(plan.of(Action.RENT)).isNotEmpty();
    }
  }

  @Nested
  class PreWarming {

    @Test
    void startsAServerSoThatItIsReadyAtItsSchedulesStart() {
      PoolServer ready = server(State.READY, Duration.ZERO);
      PoolServer scheduled =
          server(State.STOPPED, Duration.ofHours(10), 0.5, false, NOW.plus(Duration.ofMinutes(6)));
      Plan plan = decide(List.of(ready, scheduled), Demand.NONE);
      assertThat(plan.of(Action.START))
          .singleElement()
          .satisfies(d -> assertThat(d.reason()).startsWith("pre-warm: its schedule starts it at"));
    }

    @Test
    void aScheduleFarAheadWaits() {
      PoolServer ready = server(State.READY, Duration.ZERO);
      PoolServer scheduled =
          server(State.STOPPED, Duration.ofHours(10), 0.5, false, NOW.plus(Duration.ofHours(2)));
      assertThat(decide(List.of(ready, scheduled), Demand.NONE).of(Action.START)).isEmpty();
    }

    @Test
    void startsServersBeforeTheDemandTheHistoryShows() {
      // the history: Wednesdays at 10:00 bring 8 jobs a minute; it is 09:55 and nothing is queued
      DemandProfile profile = busyAt(10, 8);
      Instant before = NOW.minus(Duration.ofMinutes(5));
      Plan plan =
          autoscaler.decide(
              new PoolState(
                  before,
                  POOL,
                  List.of(server(State.READY, Duration.ZERO)),
                  Demand.NONE,
                  ReadyTimes.TYPICAL,
                  profile,
                  null));
      assertThat(plan.of(Action.RENT)).hasSizeGreaterThanOrEqualTo(4);
      assertThat(plan.summary()).contains("8.0/min usual");
    }

    @Test
    void keepsIdleServersThroughTheUsualDemandOfTheComingMinutes() {
      List<PoolServer> idle = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        idle.add(server(State.READY, Duration.ofMinutes(40)));
      }
      Plan plan =
          autoscaler.decide(
              new PoolState(
                  NOW.minus(Duration.ofMinutes(5)),
                  POOL,
                  idle,
                  Demand.NONE,
                  ReadyTimes.TYPICAL,
                  busyAt(10, 8),
                  null));
      assertThat(plan.of(Action.STOP)).isEmpty();
    }
  }

  @Nested
  class WaitAllowance {

    // the last hours: 1,000 jobs, of which these many waited past the target
    final RecentWaits unspent = new RecentWaits(1_000, 10);
    final RecentWaits nearlySpent = new RecentWaits(1_000, 40);
    final RecentWaits overspent = new RecentWaits(1_000, 80);

    Demand quiet(RecentWaits waits) {
      return new Demand(0, null, Collections.nCopies(10, 1), waits);
    }

    @Test
    void anUnneededServerStopsAfterAMinuteIdleWhileTheAllowanceIsUnspent() {
      List<PoolServer> two =
          List.of(server(State.READY, Duration.ofMinutes(2)), server(State.READY, Duration.ZERO));
      Plan plan = decide(POOL, two, quiet(unspent), DemandProfile.EMPTY, null);
      assertThat(plan.of(Action.STOP))
          .singleElement()
          .satisfies(
              stop ->
                  assertThat(stop.reason())
                      .contains("idle for 2 min")
                      .contains(
                          "limit 1 min while the wait allowance is unspent, the pool's 10 min")
                      .contains("1.0 % of the last 6 h's 1000 jobs waited past the target")
                      .contains("spending it"));
      // the busy one (idle 0 s) is never the one stopped
      assertThat(plan.of(Action.STOP).get(0).serverId()).isEqualTo(two.get(0).id());
    }

    @Test
    void nearOrPastTheAllowanceTheServerKeepsThePoolsIdleLimit() {
      List<PoolServer> two =
          List.of(server(State.READY, Duration.ofMinutes(2)), server(State.READY, Duration.ZERO));
      for (RecentWaits waits : List.of(nearlySpent, overspent, RecentWaits.NONE)) {
        assertThat(decide(POOL, two, quiet(waits), DemandProfile.EMPTY, null).of(Action.STOP))
            .as("late %d of %d", waits.late(), waits.jobs())
            .isEmpty();
      }
    }

    @Test
    void theRateRuleSizesLooserWithAllowanceLeftAndTighterPastIt() {
      // 10 jobs a minute of 30 s against a 15-s target: 7 servers for 80 %, 8 for 95 %, 9 for 99 %
      PoolPolicy fast =
          new PoolPolicy(
              "fast",
              1,
              12,
              Duration.ofSeconds(15),
              Duration.ofMinutes(10),
              null,
              Duration.ofSeconds(30));
      List<PoolServer> one = List.of(server(State.READY, Duration.ZERO));
      int spending = wanted(fast, one, unspent);
      int keeping = wanted(fast, one, nearlySpent);
      int recovering = wanted(fast, one, overspent);
      assertThat(List.of(spending, keeping, recovering)).containsExactly(7, 8, 9);
      assertThat(wanted(fast, one, RecentWaits.NONE)).isEqualTo(keeping);
      assertThat(decide(fast, one, steady(overspent), DemandProfile.EMPTY, null).summary())
          .contains("8.0 % of the last 6 h's 1000 jobs")
          .contains("past it, sizing for p99");
    }

    @Test
    void risingDemandKeepsTheTargetsOwnSizingEvenWithAllowanceLeft() {
      // last week: 2 jobs a minute from 10:00, 10 from 11:00; now it is 10:55
      Instant from = NOW.minus(Duration.ofDays(7));
      List<Instant> history = new ArrayList<>();
      for (int minute = 0; minute < 120; minute++) {
        for (int i = 0; i < (minute < 60 ? 2 : 10); i++) {
          history.add(from.plus(Duration.ofMinutes(minute)));
        }
      }
      DemandProfile profile =
          DemandProfile.fromArrivals(history, from, from.plus(Duration.ofHours(2)), ZoneOffset.UTC);
      Instant now = NOW.plus(Duration.ofMinutes(55));
      Demand demand = new Demand(0, null, Collections.nCopies(10, 2), unspent);
      Plan rising =
          autoscaler.decide(
              new PoolState(now, POOL, List.of(), demand, ReadyTimes.TYPICAL, profile, null));
      assertThat(rising.summary()).contains("the usual demand rises soon: sizing for p95");
      // at 10:00 the rise is past the lead time: the allowance is spent as usual
      Plan steady =
          autoscaler.decide(
              new PoolState(NOW, POOL, List.of(), demand, ReadyTimes.TYPICAL, profile, null));
      assertThat(steady.summary()).contains("spending it");
    }

    @Test
    void tooFewJobsSayNothingAboutTheShare() {
      assertThat(WaitBudget.of(new RecentWaits(49, 0), false).mode())
          .isEqualTo(WaitBudget.Mode.UNKNOWN);
      assertThat(WaitBudget.of(new RecentWaits(50, 0), false).mode())
          .isEqualTo(WaitBudget.Mode.SPEND);
      assertThat(WaitBudget.of(new RecentWaits(50, 0), false).summary()).isNotEmpty();
      assertThat(WaitBudget.of(new RecentWaits(49, 0), false).summary()).isEmpty();
    }

    private Demand steady(RecentWaits waits) {
      return new Demand(0, null, Collections.nCopies(10, 10), waits);
    }

    private int wanted(PoolPolicy pool, List<PoolServer> servers, RecentWaits waits) {
      return decide(pool, servers, steady(waits), DemandProfile.EMPTY, null).wanted();
    }
  }

  @Nested
  class Budget {

    @Test
    void aSpentBudgetHoldsEveryStartAndRentWithItsReason() {
      PoolServer stopped = server(State.STOPPED, Duration.ofHours(1));
      Plan plan =
          decide(
              POOL,
              List.of(stopped),
              queue(30, 6),
              DemandProfile.EMPTY,
              "The daily budget of $50 is spent");
      assertThat(plan.decisions()).extracting(Decision::action).containsOnly(Action.HOLD);
      assertThat(plan.decisions().get(0).reason()).contains("The daily budget of $50 is spent");
    }

    @Test
    void aSpentBudgetStillLetsIdleServersStop() {
      Plan plan =
          decide(
              POOL,
              List.of(
                  server(State.READY, Duration.ofHours(1)),
                  server(State.READY, Duration.ofHours(1))),
              Demand.NONE,
              DemandProfile.EMPTY,
              "spent");
      assertThat(plan.of(Action.STOP)).hasSize(1);
    }
  }

  @Test
  void theSameStateGivesTheSamePlan() {
    List<PoolServer> servers =
        List.of(
            server(State.READY, Duration.ofMinutes(20)),
            server(State.STOPPED, Duration.ofHours(3)),
            server(State.BOOTING, Duration.ofMinutes(2)));
    assertThat(decide(servers, queue(40, 5))).isEqualTo(decide(servers, queue(40, 5)));
  }

  /** A history of four weeks in which Wednesdays and Thursdays at {@code hour} are busy. */
  static DemandProfile busyAt(int hour, int perMinute) {
    Instant from = Instant.parse("2026-05-04T00:00:00Z");
    Instant to = Instant.parse("2026-06-01T00:00:00Z");
    java.util.Map<Instant, Integer> counts = new java.util.HashMap<>();
    for (Instant m = from; m.isBefore(to); m = m.plusSeconds(60)) {
      var local = m.atZone(ZoneOffset.UTC);
      int day = local.getDayOfWeek().getValue();
      if ((day == 3 || day == 4) && local.getHour() == hour) {
        counts.put(m, perMinute);
      }
    }
    return DemandProfile.learn(counts, from, to, ZoneOffset.UTC);
  }
}
