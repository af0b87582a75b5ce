package io.gpufleet.scheduler.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.accounting.BillingIntervalRepository;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerSpec;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.SchedulerIntegrationTest;
import io.gpufleet.scheduler.servers.ServerEvents.ServerStateChanged;
import io.gpufleet.scheduler.servers.ServerLifecycle;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.transaction.support.TransactionTemplate;

/** Spend comes from the billing intervals that state changes open and close. */
class AccountingIT extends SchedulerIntegrationTest {

  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final BigDecimal HALF_A_DOLLAR = new BigDecimal("0.50");

  @Autowired ServerRepository servers;
  @Autowired BillingIntervalRepository intervals;
  @Autowired ApplicationEventPublisher events;
  @Autowired TransactionTemplate transaction;
  @Autowired ServerLifecycle lifecycle;

  @Test
  void aServerRunForNinetyMinutesAtFiftyCentsAndStoppedShowsSeventyFiveCentsSpent() {
    UUID id = newServer();
    change(id, ServerStatus.LOADING, ServerStatus.RUNNING, T0);
    change(id, ServerStatus.RUNNING, ServerStatus.STOPPING, T0.plus(Duration.ofMinutes(89)));
    change(id, ServerStatus.STOPPING, ServerStatus.STOPPED, T0.plus(Duration.ofMinutes(90)));

    FleetSpend spend = spendAt(T0.plus(Duration.ofHours(5)), null);
    FleetSpend.Spend day = spend.spent(T0.minus(Duration.ofHours(1)), T0.plus(Duration.ofHours(5)));

    assertThat(day.byServer().get(id)).isEqualByComparingTo("0.75");
  }

  @Test
  void loadingIsNotBilledAndARunningServerCountsUntilNow() {
    UUID id = newServer();
    Instant start = T0.plus(Duration.ofDays(1));
    change(id, ServerStatus.PROVISIONING, ServerStatus.LOADING, start);
    change(id, ServerStatus.LOADING, ServerStatus.RUNNING, start.plus(Duration.ofMinutes(30)));

    FleetSpend spend = spendAt(start.plus(Duration.ofMinutes(150)), null);

    assertThat(spend.spent(start, start.plus(Duration.ofDays(1))).byServer().get(id))
        .isEqualByComparingTo("1.00");
    change(id, ServerStatus.RUNNING, ServerStatus.DESTROYING, start.plus(Duration.ofMinutes(150)));
  }

  @Test
  void theBudgetGuardRefusesAScheduledStartOnceTheDaysBudgetIsSpent() {
    UUID spender = newServer();
    Instant day = Instant.parse("2026-03-12T00:00:00Z");
    change(spender, ServerStatus.LOADING, ServerStatus.RUNNING, day.plus(Duration.ofHours(8)));
    change(spender, ServerStatus.RUNNING, ServerStatus.STOPPED, day.plus(Duration.ofHours(10)));

    Instant evening = day.plus(Duration.ofHours(20));
    BudgetGuard underBudget = guardAt(evening, new BigDecimal("5.00"));
    BudgetGuard spent = guardAt(evening, new BigDecimal("1.00"));

    assertThat(underBudget.refuseStart(UUID.randomUUID())).isEmpty();
    assertThat(spent.refuseStart(UUID.randomUUID()))
        .hasValueSatisfying(
            reason -> assertThat(reason).contains("daily budget of $1.00 is spent"));
  }

  private FleetSpend spendAt(Instant now, BigDecimal daily) {
    return new FleetSpend(
        intervals,
        new BudgetSettings(daily, null, false, ZoneId.of("UTC")),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  private BudgetGuard guardAt(Instant now, BigDecimal daily) {
    BudgetSettings settings = new BudgetSettings(daily, null, false, ZoneId.of("UTC"));
    return new BudgetGuard(
        new FleetSpend(intervals, settings, Clock.fixed(now, ZoneOffset.UTC)),
        settings,
        servers,
        lifecycle);
  }

  private UUID newServer() {
    return servers
        .saveAndFlush(
            new Server(
                "billed-" + UUID.randomUUID(),
                "vast",
                new ServerSpec("RTX 4090", 1, null, null, 40, null, null, null, null),
                T0))
        .getId();
  }

  private void change(UUID id, ServerStatus from, ServerStatus to, Instant at) {
    transaction.executeWithoutResult(
        status ->
            events.publishEvent(new ServerStateChanged(id, from, to, null, HALF_A_DOLLAR, at)));
  }
}
