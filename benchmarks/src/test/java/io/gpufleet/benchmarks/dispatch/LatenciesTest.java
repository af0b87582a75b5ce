package io.gpufleet.benchmarks.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statistics and parsing the dispatch benchmark prints from; the benchmark itself never runs
 * here.
 */
class LatenciesTest {

  @Test
  void percentilesAreNearestRankWhateverTheOrderOfTheSample() {
    List<Double> values = new ArrayList<>();
    for (int i = 1; i <= 100; i++) {
      values.add((double) i);
    }
    Collections.shuffle(values);

    Latencies l = Latencies.of(values);

    assertThat(l.p50()).isEqualTo(50);
    assertThat(l.p99()).isEqualTo(99);
    assertThat(l.max()).isEqualTo(100);
    assertThat(l.min()).isEqualTo(1);
    assertThat(l.count()).isEqualTo(100);
  }

  @Test
  void aSmallSampleGivesItsLargestValueAsP99AndAnEmptyOneNoFigure() {
    Latencies three = Latencies.ofNanos(List.of(3_000_000L, 1_000_000L, 2_000_000L));

    assertThat(three.p50()).isEqualTo(2.0);
    assertThat(three.p99()).isEqualTo(3.0);
    assertThat(Latencies.of(List.of()).p50()).isNaN();
    assertThat(Latencies.ms(Double.NaN)).isEqualTo("n/a");
  }

  @Test
  void ratesRatiosAndMillisecondsAreFormattedForTheTables() {
    assertThat(Latencies.rate(500, 250_000_000L)).isEqualTo(2000.0);
    assertThat(Latencies.ratio(150, 1500)).isEqualTo("0.10×");
    assertThat(Latencies.ratio(1, 0)).isEqualTo("n/a");
    assertThat(Latencies.ms(0.4213)).isEqualTo("0.42 ms");
    assertThat(Latencies.ms(4.26)).isEqualTo("4.3 ms");
    assertThat(Latencies.ms(142.6)).isEqualTo("143 ms");
    assertThat(Latencies.perSecond(196.4)).isEqualTo("196/s");
  }

  @Test
  void aStatLineIsSplitAfterTheCommandNameEvenWhenItHoldsSpacesAndParentheses() {
    String line =
        "4242 (java (main) x) S 17 4242 17 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 42 0 100";

    String[] fields = ProcStat.parseStat(line);

    assertThat(fields[0]).isEqualTo("4242");
    assertThat(fields[1]).isEqualTo("java (main) x");
    assertThat(fields[3]).isEqualTo("17");
    assertThat(fields[13]).isEqualTo("1234");
    assertThat(fields[14]).isEqualTo("567");
  }

  @Test
  void aPrometheusMetricIsSummedOverTheSamplesOfTheLabelAsked() {
    String text =
        "# HELP jvm_memory_used_bytes The amount of used memory\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Eden Space\"} 1.048576E7\n"
            + "jvm_memory_used_bytes{area=\"heap\",id=\"G1 Old Gen\"} 2.097152E7\n"
            + "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"} 9.9E7\n"
            + "jvm_threads_live_threads 57.0\n";

    assertThat(PlatformClient.metricSum(text, "jvm_memory_used_bytes", "area=\"heap\""))
        .isEqualTo(3.145728E7);
    assertThat(PlatformClient.metricSum(text, "jvm_threads_live_threads", null)).isEqualTo(57.0);
    assertThat(PlatformClient.metricSum(text, "no_such_metric", null)).isNaN();
  }
}
