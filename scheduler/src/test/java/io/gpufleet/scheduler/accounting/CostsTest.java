package io.gpufleet.scheduler.accounting;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CostsTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final BigDecimal HALF_A_DOLLAR = new BigDecimal("0.50");

  @Test
  void ninetyMinutesAtFiftyCentsAnHourCostSeventyFiveCents() {
    BigDecimal cost =
        Costs.cost(
            HALF_A_DOLLAR,
            T0,
            T0.plus(Duration.ofMinutes(90)),
            T0,
            T0.plus(Duration.ofDays(1)),
            T0);

    assertThat(Costs.money(cost)).isEqualByComparingTo("0.75");
  }

  @Test
  void onlyThePartInsideThePeriodCounts() {
    Instant periodStart = T0.plus(Duration.ofMinutes(60));

    BigDecimal cost =
        Costs.cost(
            HALF_A_DOLLAR,
            T0,
            T0.plus(Duration.ofMinutes(90)),
            periodStart,
            periodStart.plus(Duration.ofHours(1)),
            T0);

    assertThat(Costs.money(cost)).isEqualByComparingTo("0.25");
  }

  @Test
  void anOpenIntervalCountsUntilNow() {
    Instant now = T0.plus(Duration.ofHours(2));

    BigDecimal cost = Costs.cost(HALF_A_DOLLAR, T0, null, T0, T0.plus(Duration.ofDays(1)), now);

    assertThat(Costs.money(cost)).isEqualByComparingTo("1.00");
  }

  @Test
  void anIntervalOutsideThePeriodCostsNothing() {
    BigDecimal cost =
        Costs.cost(
            HALF_A_DOLLAR, T0, T0.plusSeconds(60), T0.plusSeconds(120), T0.plusSeconds(180), T0);

    assertThat(cost).isZero();
  }
}
