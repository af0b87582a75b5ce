package io.gpufleet.scheduler.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demand a pool usually sees in each hour of each weekday, learned from its generation history:
 * for every (weekday, hour) the robust mean of its per-minute arrivals over the weeks seen, so that
 * one past burst does not make every future Tuesday 10:00 look busy.
 */
public final class DemandProfile {

  public static final DemandProfile EMPTY = new DemandProfile(new double[7][24], ZoneId.of("UTC"));

  /** Jobs per second, [weekday 0 = Monday][hour]. */
  private final double[][] rates;

  private final ZoneId zone;

  private DemandProfile(double[][] rates, ZoneId zone) {
    this.rates = rates;
    this.zone = zone;
  }

  /**
   * Learns from arrivals counted per minute in [from, to): a minute absent from the map had none.
   *
   * @param perMinute arrival counts keyed by the minute they fall in (truncated instants)
   * @param zone where the weekdays and hours are the pool's users'
   */
  public static DemandProfile learn(
      Map<Instant, Integer> perMinute, Instant from, Instant to, ZoneId zone) {
    List<List<Integer>> buckets = new ArrayList<>();
    for (int i = 0; i < 7 * 24; i++) {
      buckets.add(new ArrayList<>());
    }
    for (Instant minute = from.truncatedTo(ChronoUnit.MINUTES);
        minute.isBefore(to);
        minute = minute.plus(Duration.ofMinutes(1))) {
      ZonedDateTime local = minute.atZone(zone);
      buckets.get(index(local)).add(perMinute.getOrDefault(minute, 0));
    }
    double[][] rates = new double[7][24];
    for (int i = 0; i < buckets.size(); i++) {
      rates[i / 24][i % 24] = Rates.robustPerMinute(buckets.get(i)) / 60.0;
    }
    return new DemandProfile(rates, zone);
  }

  /** Learns from the submission times of past jobs in [from, to). */
  public static DemandProfile fromArrivals(
      List<Instant> arrivals, Instant from, Instant to, ZoneId zone) {
    Map<Instant, Integer> perMinute = new HashMap<>();
    for (Instant at : arrivals) {
      if (!at.isBefore(from) && at.isBefore(to)) {
        perMinute.merge(at.truncatedTo(ChronoUnit.MINUTES), 1, Integer::sum);
      }
    }
    return learn(perMinute, from, to, zone);
  }

  /** Usual jobs per second in the hour that {@code at} falls in. */
  public double rateAt(Instant at) {
    ZonedDateTime local = at.atZone(zone);
    return rates[local.getDayOfWeek().getValue() - 1][local.getHour()];
  }

  /** The highest usual rate of any hour that [from, to] touches. */
  public double peakRate(Instant from, Instant to) {
    double peak = rateAt(to);
    for (Instant at = from; at.isBefore(to); at = at.plus(Duration.ofHours(1))) {
      peak = Math.max(peak, rateAt(at));
    }
    return peak;
  }

  private static int index(ZonedDateTime local) {
    return (local.getDayOfWeek().getValue() - 1) * 24 + local.getHour();
  }
}
