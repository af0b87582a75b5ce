package io.gpufleet.scheduler.accounting;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** The arithmetic of spend: a rate over the part of an interval that falls in a period. */
final class Costs {

  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private Costs() {}

  /**
   * What {@code pricePerHour} from {@code start} to {@code end} (open: until {@code now}) costs
   * within {@code [from, to)}.
   */
  static BigDecimal cost(
      BigDecimal pricePerHour,
      Instant start,
      @Nullable Instant end,
      Instant from,
      Instant to,
      Instant now) {
    Instant effectiveEnd = end == null ? now : end;
    Instant a = start.isAfter(from) ? start : from;
    Instant b = effectiveEnd.isBefore(to) ? effectiveEnd : to;
    if (!b.isAfter(a)) {
      return BigDecimal.ZERO;
    }
    return perSecond(pricePerHour).multiply(seconds(Duration.between(a, b)));
  }

  static BigDecimal perSecond(BigDecimal pricePerHour) {
    return pricePerHour.divide(SECONDS_PER_HOUR, 12, RoundingMode.HALF_UP);
  }

  static BigDecimal seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis()).movePointLeft(3);
  }

  static BigDecimal money(BigDecimal amount) {
    return amount.setScale(4, RoundingMode.HALF_UP);
  }
}
