package io.gpufleet.api.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HistoryCsvTest {

  @Test
  void cellsWithCommasQuotesOrNewlinesAreQuoted() {
    assertThat(HistoryCsv.cell("plain")).isEqualTo("plain");
    assertThat(HistoryCsv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(HistoryCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(HistoryCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
    assertThat(HistoryCsv.cell(null)).isEmpty();
  }

  @Test
  void formulasAreDefusedButNegativeNumbersAreNot() {
    assertThat(HistoryCsv.cell("=HYPERLINK(\"x\")")).startsWith("\"'=");
    assertThat(HistoryCsv.cell("@cmd")).isEqualTo("'@cmd");
    assertThat(HistoryCsv.cell(-3L)).isEqualTo("-3");
  }
}
