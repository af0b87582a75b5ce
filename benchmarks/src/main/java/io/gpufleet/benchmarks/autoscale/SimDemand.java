package io.gpufleet.benchmarks.autoscale;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A week of jobs: a daily rhythm (quiet nights, a morning ramp, a busy working day, an evening
 * tail), weekends at a third, and bursts of a few hundred jobs at once (a batch someone submits).
 * Also the market price of the pool's GPU, which moves over the day and the week.
 */
final class SimDemand {

  /** One job: when it arrives and how much work it is (seconds on a server of speed 1). */
  record Job(long arrival, double work) {}

  static final double BASE_PRICE = 0.40;

  private SimDemand() {}

  /** Jobs per minute usually seen at {@code at} (UTC is the users' zone here). */
  static double ratePerMinute(Instant at) {
    ZonedDateTime t = at.atZone(ZoneOffset.UTC);
    double h = t.getHour() + t.getMinute() / 60.0;
    double day;
    if (h < 7) {
      day = 0.15;
    } else if (h < 9) {
      day = 0.15 + (h - 7) / 2 * 5.85;
    } else if (h < 12) {
      day = 6;
    } else if (h < 13.5) {
      day = 4.5; // lunch
    } else if (h < 18) {
      day = 6.5;
    } else if (h < 23) {
      day = 6.5 - (h - 18) / 5 * 6.2;
    } else {
      day = 0.3;
    }
    DayOfWeek d = t.getDayOfWeek();
    boolean weekend = d == DayOfWeek.SATURDAY || d == DayOfWeek.SUNDAY;
    return weekend ? Math.max(0.1, day * 0.3) : day;
  }

  /**
   * The jobs of the {@code days} from {@code start} (a Monday), in arrival order; {@code seed}
   * decides the Poisson arrivals, the work per job and when the bursts come.
   */
  static List<Job> jobs(Instant start, int days, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Job> jobs = new ArrayList<>();
    long from = start.getEpochSecond();
    long to = from + days * 86_400L;
    // Poisson arrivals by thinning against the peak rate
    double peak = 7.0 / 60;
    double t = from;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / peak;
      if (t >= to) {
        break;
      }
      if (random.nextDouble() < ratePerMinute(Instant.ofEpochSecond((long) t)) / 60 / peak) {
        jobs.add(new Job((long) t, work(random)));
      }
    }
    // bursts: on Monday, Wednesday, Thursday and Saturday, at a random working hour
    for (int day : new int[] {0, 2, 3, 5}) {
      if (day >= days) {
        continue;
      }
      long at = from + day * 86_400L + 9 * 3600 + random.nextLong(8 * 3600);
      int size = 150 + random.nextInt(151);
      for (int i = 0; i < size; i++) {
        jobs.add(new Job(at + i / 20, work(random))); // submitted by a script, 20 a second
      }
    }
    jobs.sort((a, b) -> Long.compare(a.arrival(), b.arrival()));
    return jobs;
  }

  private static double work(SplittableRandom random) {
    return 24 + random.nextDouble() * 12; // 24..36 s, 30 on average
  }

  /**
   * The market's $/h for the pool's GPU at {@code at}: dearer in working hours, cheaper at
   * weekends.
   */
  static double marketPrice(Instant at, long seed) {
    ZonedDateTime t = at.atZone(ZoneOffset.UTC);
    double h = t.getHour() + t.getMinute() / 60.0;
    double daily = 1 + 0.15 * Math.sin((h - 8) / 24 * 2 * Math.PI);
    boolean weekend =
        t.getDayOfWeek() == DayOfWeek.SATURDAY || t.getDayOfWeek() == DayOfWeek.SUNDAY;
    // a slow wobble that is the same for every strategy
    long hourIndex = at.getEpochSecond() / 3600;
    double wobble = 1 + 0.08 * new SplittableRandom(seed * 31 + hourIndex).nextDouble(-1, 1);
    return BASE_PRICE * daily * (weekend ? 0.9 : 1) * wobble;
  }

  static Duration minutes(double m) {
    return Duration.ofSeconds((long) (m * 60));
  }
}
