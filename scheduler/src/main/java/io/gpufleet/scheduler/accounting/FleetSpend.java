package io.gpufleet.scheduler.accounting;

import io.gpufleet.persistence.accounting.BillingInterval;
import io.gpufleet.persistence.accounting.BillingIntervalRepository;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Spend of the fleet and of each server over any period, from the billing intervals. */
@Service
public class FleetSpend {

  private final BillingIntervalRepository intervals;
  private final BudgetSettings settings;
  private final Clock clock;

  FleetSpend(BillingIntervalRepository intervals, BudgetSettings settings, Clock clock) {
    this.intervals = intervals;
    this.settings = settings;
    this.clock = clock;
  }

  /** What the fleet spent in {@code [from, to)}, in total and per server. */
  @Transactional(readOnly = true)
  public Spend spent(Instant from, Instant to) {
    Instant now = Instant.now(clock);
    Map<UUID, BigDecimal> byServer = new HashMap<>();
    for (BillingInterval interval : intervals.findOverlapping(from, to)) {
      BigDecimal cost =
          Costs.cost(
              interval.getPricePerHour(),
              interval.getStartedAt(),
              interval.getEndedAt(),
              from,
              to,
              now);
      byServer.merge(interval.getServerId(), cost, BigDecimal::add);
    }
    byServer.replaceAll((id, cost) -> Costs.money(cost));
    BigDecimal total = byServer.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    return new Spend(from, to, Costs.money(total), byServer);
  }

  /** Since midnight in the budget's timezone. */
  public Spend today() {
    ZoneId zone = settings.timezone();
    Instant now = Instant.now(clock);
    // LocalDate.ofInstant, not LocalDate.now(clock.withZone(..)): any Clock, not only zoned ones
    return spent(LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant(), now);
  }

  /** Since the first of the month in the budget's timezone. */
  public Spend thisMonth() {
    ZoneId zone = settings.timezone();
    Instant now = Instant.now(clock);
    return spent(
        LocalDate.ofInstant(now, zone).withDayOfMonth(1).atStartOfDay(zone).toInstant(), now);
  }

  /** What the fleet costs per hour right now: the sum of the open intervals. */
  @Transactional(readOnly = true)
  public BigDecimal pricePerHourNow() {
    return intervals.findByEndedAtIsNull().stream()
        .map(BillingInterval::getPricePerHour)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /** The cost of {@code seconds} of a server's time at its rate at {@code at}. */
  @Transactional(readOnly = true)
  public BigDecimal costOf(UUID serverId, double seconds, Instant at) {
    BigDecimal price =
        intervals.findOverlapping(at, at.plusMillis(1)).stream()
            .filter(i -> i.getServerId().equals(serverId))
            .map(BillingInterval::getPricePerHour)
            .findFirst()
            .orElse(BigDecimal.ZERO);
    return Costs.perSecond(price).multiply(BigDecimal.valueOf(seconds));
  }

  /** Spend in a period. */
  public record Spend(Instant from, Instant to, BigDecimal total, Map<UUID, BigDecimal> byServer) {
    public Spend {
      byServer = Map.copyOf(byServer);
    }
  }
}
