package io.gpufleet.scheduler.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.routing.RoutingPolicy.Candidate;
import io.gpufleet.scheduler.routing.RoutingPolicy.Load;
import io.gpufleet.scheduler.routing.RoutingPolicy.Need;
import io.gpufleet.scheduler.routing.RoutingPolicy.Route;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  private static final ModelNeed SD15 = new ModelNeed("checkpoints", "sd15.safetensors");
  private static final Need SHORT = need(8, null);
  private static final Need LONG = need(60, null);
  private final RoutingPolicy policy = new RoutingPolicy(1);

  @Nested
  class SoonestFinish {
    @Test
    void aFastServerWithWorkLeftBeatsAnIdleSlowOneWhenItFinishesSooner() {
      Candidate fast = server("fast", new Load(1, 20, 1, 1, 50, null), "0.90");
      Candidate slow = server("slow", Load.idle(10), "0.30");
      // fast: (20 + 8) / 50 = 0.56 s; slow: 8 / 10 = 0.8 s
      assertThat(policy.route(SHORT, List.of(slow, fast))).isEqualTo(new Route.To(fast.id()));
    }

    @Test
    void aShortJobTakesTheIdleSlowServerWhenTheFastOneIsDeepInWork() {
      Candidate fast = server("fast", new Load(1, 100, 1, 1, 50, null), "0.30");
      Candidate slow = server("slow", Load.idle(10), "0.90");
      // fast: 108 / 50 = 2.16 s; slow: 0.8 s
      assertThat(policy.route(SHORT, List.of(fast, slow))).isEqualTo(new Route.To(slow.id()));
    }

    @Test
    void aLongJobWaitsForTheFullFastServerRatherThanGoDeepIntoASlowOne() {
      Candidate fast = server("fast", new Load(2, 10, 1, 1, 50, null), "0.30");
      Candidate slow = server("slow", Load.idle(10), "0.30");
      // fast: 70 / 50 = 1.4 s, once it has room; slow: 6 s
      Route route = policy.route(LONG, List.of(fast, slow));
      assertThat(route).isInstanceOf(Route.Wait.class);
      assertThat(((Route.Wait) route).awaiting()).isEqualTo(fast.id());
    }

    @Test
    void workReservedForAWaitingJobSendsTheNextToTheNextBestServer() {
      Load fastLoad = new Load(2, 10, 1, 1, 50, null);
      Candidate slow = server("slow", Load.idle(10), "0.30");
      // after a 60-step job waits for it, fast would finish another in (10 + 60 + 60) / 50 = 2.6 s
      Candidate fast = server("fast", fastLoad.reserved(60).reserved(60), "0.30");
      assertThat(policy.route(SHORT, List.of(fast, slow))).isEqualTo(new Route.To(slow.id()));
    }

    @Test
    void nearTiesGoToTheCheaperServer() {
      Candidate dear = server("dear", new Load(1, 8, 1, 1, 10, null), "0.90");
      Candidate cheap = server("cheap", new Load(1, 8.1, 1, 1, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(dear, cheap))).isEqualTo(new Route.To(cheap.id()));
    }

    @Test
    void atTheSamePriceANearTieGoesToTheServerWithTheCheckpointLoaded() {
      Need sdxl = need(8, "sdxl.safetensors");
      Candidate cold = server("cold", new Load(0, 0, 1, 1, 10, "sd15.safetensors"), "0.30");
      Candidate warm = server("warm", new Load(0, 0.1, 1, 1, 10, "sdxl.safetensors"), "0.30");
      assertThat(policy.route(sdxl, List.of(cold, warm))).isEqualTo(new Route.To(warm.id()));
    }

    @Test
    void aClearlyFasterFinishWinsOverAMuchCheaperServer() {
      Candidate dear = server("dear", Load.idle(50), "2.00");
      Candidate cheap = server("cheap", Load.idle(10), "0.10");
      assertThat(policy.route(LONG, List.of(cheap, dear))).isEqualTo(new Route.To(dear.id()));
    }
  }

  @Nested
  class LateBinding {
    @Test
    void withoutPrefetchABusyServerTakesNothingMore() {
      Candidate busy = server("busy", new Load(1, 4, 1, 0, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(busy))).isInstanceOf(Route.Wait.class);
      Candidate idle = server("idle", new Load(0, 0, 1, 0, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(idle))).isEqualTo(new Route.To(idle.id()));
    }

    @Test
    void aPrefetchOfOneLetsOneJobWaitOnTheServerBehindTheRunningOne() {
      Candidate running = server("running", new Load(1, 4, 1, 1, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(running))).isEqualTo(new Route.To(running.id()));
      Candidate full = server("full", new Load(2, 12, 1, 1, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(full))).isInstanceOf(Route.Wait.class);
    }

    @Test
    void aServerOfTwoSlotsRunsTwoAtOnce() {
      Candidate one = server("one", new Load(1, 4, 2, 0, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(one))).isEqualTo(new Route.To(one.id()));
      Candidate two = server("two", new Load(2, 8, 2, 0, 10, null), "0.30");
      assertThat(policy.route(SHORT, List.of(two))).isInstanceOf(Route.Wait.class);
    }

    @Test
    void theDefaultPrefetchCannotBeNegative() {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RoutingPolicy(-1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Baselines {
    @Test
    void leastOutstandingIgnoresSpeedAndCountsJobs() {
      RoutingPolicy least = new RoutingPolicy(1, RoutingPolicy.Strategy.LEAST_OUTSTANDING);
      Candidate fast = server("fast", new Load(1, 8, 1, 1, 50, null), "0.30");
      Candidate slow = server("slow", Load.idle(10), "0.30");
      assertThat(least.route(LONG, List.of(fast, slow))).isEqualTo(new Route.To(slow.id()));
    }

    @Test
    void roundRobinTakesEachServerWithRoomInTurn() {
      RoutingPolicy turns = new RoutingPolicy(1, RoutingPolicy.Strategy.ROUND_ROBIN);
      Candidate a = server("a", Load.idle(10), "0.30");
      Candidate b = server("b", Load.idle(50), "0.30");
      Candidate full = server("full", new Load(2, 8, 1, 1, 50, null), "0.30");
      List<Candidate> fleet = List.of(a, b, full);
      Route first = turns.route(SHORT, fleet);
      Route second = turns.route(SHORT, fleet);
      Route third = turns.route(SHORT, fleet);
      assertThat(List.of(first, second))
          .containsExactlyInAnyOrder(new Route.To(a.id()), new Route.To(b.id()));
      assertThat(third).isEqualTo(first);
    }
  }

  @Test
  void afterAnOomPrefersAnotherServerButFallsBackToIt() {
    Candidate a = server("a", Load.idle(10), "0.30");
    Candidate b = server("b", new Load(1, 8, 1, 1, 10, null), "0.90");
    Need avoidA = new Need(SHORT.nodeClasses(), SHORT.models(), null, a.id(), null, 8, null);
    assertThat(policy.route(avoidA, List.of(a, b))).isEqualTo(new Route.To(b.id()));
    assertThat(policy.route(avoidA, List.of(a))).isEqualTo(new Route.To(a.id()));
  }

  @Nested
  class Excluded {
    @Test
    void serversThatAreNotRoutableAreNeverChosen() {
      List<Candidate> bad =
          List.of(
              with(server("stopped"), ServerStatus.STOPPED, true, HealthState.HEALTHY, false, true),
              with(
                  server("notSetUp"),
                  ServerStatus.RUNNING,
                  false,
                  HealthState.HEALTHY,
                  false,
                  true),
              with(
                  server("degraded"),
                  ServerStatus.RUNNING,
                  true,
                  HealthState.DEGRADED,
                  false,
                  true),
              with(server("draining"), ServerStatus.RUNNING, true, HealthState.HEALTHY, true, true),
              with(
                  server("breaker"),
                  ServerStatus.RUNNING,
                  true,
                  HealthState.HEALTHY,
                  false,
                  false));
      assertThat(policy.route(SHORT, bad)).isInstanceOf(Route.Wait.class);
      assertThat(((Route.Wait) policy.route(SHORT, bad)).awaiting()).isNull();
    }

    @Test
    void aServerWithoutTheModelIsPassedOverHoweverFastItIs() {
      Candidate missing =
          new Candidate(
              UUID.randomUUID(),
              "m",
              ServerStatus.RUNNING,
              true,
              HealthState.HEALTHY,
              false,
              true,
              Set.of("KSampler"),
              Map.of(),
              Load.idle(100),
              null,
              null);
      Candidate ok = server("ok", new Load(1, 30, 1, 1, 10, null), "0.9");
      assertThat(policy.route(SHORT, List.of(missing, ok))).isEqualTo(new Route.To(ok.id()));
      assertThat(policy.unrunnable(SHORT, List.of(missing)))
          .hasValueSatisfying(r -> assertThat(r).contains("checkpoints/sd15.safetensors"));
    }

    @Test
    void aPinnedServerThatDoesNotExistIsImpossible() {
      Need pinned =
          new Need(SHORT.nodeClasses(), SHORT.models(), UUID.randomUUID(), null, null, 8, null);
      assertThat(policy.route(pinned, List.of(server("other"))))
          .isInstanceOf(Route.Impossible.class);
    }
  }

  @Test
  void aPinnedServerIsHonouredEvenWhenAFasterOneIsIdle() {
    Candidate pinned = server("pinned", new Load(1, 8, 1, 1, 10, null), "0.9");
    Candidate idle = server("idle", Load.idle(50), "0.1");
    Need need = new Need(SHORT.nodeClasses(), SHORT.models(), pinned.id(), null, null, 8, null);
    assertThat(policy.route(need, List.of(pinned, idle))).isEqualTo(new Route.To(pinned.id()));
    Candidate full = server("full", new Load(2, 16, 1, 1, 10, null), "0.9");
    Need onFull = new Need(SHORT.nodeClasses(), SHORT.models(), full.id(), null, null, 8, null);
    assertThat(policy.route(onFull, List.of(full, idle))).isInstanceOf(Route.Wait.class);
  }

  private static Need need(double work, @Nullable String checkpoint) {
    List<ModelNeed> models =
        checkpoint == null ? List.of(SD15) : List.of(new ModelNeed("checkpoints", checkpoint));
    return new Need(Set.of("KSampler"), models, null, null, null, work, checkpoint);
  }

  private static Candidate server(String name) {
    return server(name, Load.idle(10), "0.1");
  }

  private static Candidate server(String name, Load load, String price) {
    return new Candidate(
        UUID.randomUUID(),
        name,
        ServerStatus.RUNNING,
        true,
        HealthState.HEALTHY,
        false,
        true,
        Set.of("KSampler"),
        Map.of("checkpoints", Set.of(SD15.name(), "sdxl.safetensors")),
        load,
        new BigDecimal(price),
        24_576L);
  }

  private static Candidate with(
      Candidate c,
      ServerStatus status,
      boolean setUp,
      HealthState health,
      boolean draining,
      boolean breakerClosed) {
    return new Candidate(
        c.id(),
        c.name(),
        status,
        setUp,
        health,
        draining,
        breakerClosed,
        c.nodeClasses(),
        c.models(),
        c.load(),
        c.pricePerHour(),
        c.vramMb());
  }
}
