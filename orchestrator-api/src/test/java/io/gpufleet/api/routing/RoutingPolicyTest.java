package io.gpufleet.api.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.api.routing.RoutingPolicy.Candidate;
import io.gpufleet.api.routing.RoutingPolicy.Need;
import io.gpufleet.api.routing.RoutingPolicy.Route;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.ServerStatus;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RoutingPolicyTest {

  private static final ModelNeed SD15 = new ModelNeed("checkpoints", "sd15.safetensors");
  private static final Need NEED = new Need(Set.of("KSampler"), List.of(SD15), null, null, null);
  private final RoutingPolicy policy = new RoutingPolicy(2);

  @Test
  void prefersTheServerWithLeastOutstandingWork() {
    Candidate busy = server("busy", 2, "0.30");
    Candidate idle = server("idle", 0, "0.90");
    assertThat(policy.route(NEED, List.of(busy, idle))).isEqualTo(new Route.To(idle.id()));
  }

  @Test
  void breaksTiesOnTheLowestPrice() {
    Candidate dear = server("dear", 1, "0.90");
    Candidate cheap = server("cheap", 1, "0.30");
    assertThat(policy.route(NEED, List.of(dear, cheap))).isEqualTo(new Route.To(cheap.id()));
  }

  @Test
  void afterAnOomPrefersAnotherServerButFallsBackToIt() {
    Candidate a = server("a", 0, "0.30");
    Candidate b = server("b", 1, "0.90");
    Need avoidA = new Need(NEED.nodeClasses(), NEED.models(), null, a.id(), null);
    assertThat(policy.route(avoidA, List.of(a, b))).isEqualTo(new Route.To(b.id()));
    assertThat(policy.route(avoidA, List.of(a))).isEqualTo(new Route.To(a.id()));
  }

  @Nested
  class Excluded {
    @Test
    void serversThatAreNotRoutableAreNeverChosen() {
      List<Candidate> bad =
          List.of(
              with(
                  server("stopped", 0, "0.1"),
                  ServerStatus.STOPPED,
                  true,
                  HealthState.HEALTHY,
                  false,
                  true),
              with(
                  server("notSetUp", 0, "0.1"),
                  ServerStatus.RUNNING,
                  false,
                  HealthState.HEALTHY,
                  false,
                  true),
              with(
                  server("degraded", 0, "0.1"),
                  ServerStatus.RUNNING,
                  true,
                  HealthState.DEGRADED,
                  false,
                  true),
              with(
                  server("draining", 0, "0.1"),
                  ServerStatus.RUNNING,
                  true,
                  HealthState.HEALTHY,
                  true,
                  true),
              with(
                  server("breaker", 0, "0.1"),
                  ServerStatus.RUNNING,
                  true,
                  HealthState.HEALTHY,
                  false,
                  false));
      assertThat(policy.route(NEED, bad)).isInstanceOf(Route.Wait.class);
    }

    @Test
    void aServerWithoutTheModelIsPassedOver() {
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
              0,
              1,
              null,
              null);
      Candidate ok = server("ok", 2, "0.9");
      assertThat(policy.route(NEED, List.of(missing, ok))).isEqualTo(new Route.To(ok.id()));
      assertThat(policy.unrunnable(NEED, List.of(missing)))
          .hasValueSatisfying(r -> assertThat(r).contains("checkpoints/sd15.safetensors"));
    }

    @Test
    void aFullServerMakesTheGenerationWait() {
      assertThat(policy.route(NEED, List.of(server("full", 3, "0.1"))))
          .isInstanceOf(Route.Wait.class);
    }

    @Test
    void aPinnedServerThatDoesNotExistIsImpossible() {
      Need pinned = new Need(NEED.nodeClasses(), NEED.models(), UUID.randomUUID(), null, null);
      assertThat(policy.route(pinned, List.of(server("other", 0, "0.1"))))
          .isInstanceOf(Route.Impossible.class);
    }
  }

  @Test
  void aPinnedServerIsHonouredEvenWhenAnotherIsIdler() {
    Candidate pinned = server("pinned", 1, "0.9");
    Candidate idle = server("idle", 0, "0.1");
    Need need = new Need(NEED.nodeClasses(), NEED.models(), pinned.id(), null, null);
    assertThat(policy.route(need, List.of(pinned, idle))).isEqualTo(new Route.To(pinned.id()));
  }

  private static Candidate server(String name, int outstanding, String price) {
    return new Candidate(
        UUID.randomUUID(),
        name,
        ServerStatus.RUNNING,
        true,
        HealthState.HEALTHY,
        false,
        true,
        Set.of("KSampler"),
        Map.of("checkpoints", Set.of(SD15.name())),
        outstanding,
        1.0,
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
        c.outstanding(),
        c.speed(),
        c.pricePerHour(),
        c.vramMb());
  }
}
