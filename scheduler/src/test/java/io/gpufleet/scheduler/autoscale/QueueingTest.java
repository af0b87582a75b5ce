package io.gpufleet.scheduler.autoscale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueingTest {

  @Test
  void noArrivalsNeedNoServer() {
    assertThat(Queueing.serversFor(0, Duration.ofSeconds(30), Duration.ofMinutes(2), 0.95))
        .isZero();
  }

  @Test
  void moreLoadNeedsMoreServersAndNeverFewerThanTheLoad() {
    int previous = 0;
    for (double perMinute = 1; perMinute <= 40; perMinute += 3) {
      int n =
          Queueing.serversFor(perMinute / 60, Duration.ofSeconds(30), Duration.ofMinutes(2), 0.95);
      assertThat(n).isGreaterThanOrEqualTo(previous).isGreaterThan((int) (perMinute / 2));
      previous = n;
    }
  }

  @Test
  void aStricterTargetNeedsMoreServers() {
    double rate = 10 / 60.0;
    assertThat(Queueing.serversFor(rate, Duration.ofSeconds(30), Duration.ofSeconds(5), 0.95))
        .isGreaterThan(
            Queueing.serversFor(rate, Duration.ofSeconds(30), Duration.ofMinutes(5), 0.95));
  }

  @Test
  void oneServerAtHalfLoadRarelyWaitsLongerThanTheTarget() {
    // M/M/1 at 50 % load: P(wait > t) = 0.5 e^{-t/60}; run times that vary little (cs² = 0.1)
    // make the tail decay 1/0.55 times faster: under 5 % from t = 76 s
    assertThat(Queueing.probabilityOfWaitingLonger(1, 0.5, 30, 80)).isLessThan(0.05);
    assertThat(Queueing.probabilityOfWaitingLonger(1, 0.5, 30, 70)).isGreaterThan(0.05);
  }

  @Test
  void aBurstInOneMinuteIsCappedInTheRate() {
    assertThat(Rates.robustPerMinute(List.of(2, 3, 2, 300, 3, 2))).isLessThan(4);
    assertThat(Rates.robustPerMinute(List.of(6, 6, 6, 6))).isEqualTo(6);
  }

  @Test
  void readyTimesPlanWithASlowStartNotAnAverageOne() {
    List<Duration> starts =
        List.of(60, 70, 80, 90, 100, 110, 120, 130, 140, 400).stream()
            .map(Duration::ofSeconds)
            .toList();
    ReadyTimes times = ReadyTimes.measured(starts, List.of(), ReadyTimes.TYPICAL);
    assertThat(times.start()).isEqualTo(Duration.ofSeconds(140));
    assertThat(times.rent()).isEqualTo(ReadyTimes.TYPICAL.rent());
  }
}
