package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.persistence.setup.ServerExecutionRepository.OutputSlice;
import org.junit.jupiter.api.Test;

class OutputPageTest {

  @Test
  void aReadWithinTheStoredTailReturnsTheRestAndWhereToGoOn() {
    OutputPage page = OutputPage.of(slice(0, 10, "56789"), 5);

    assertThat(page).isEqualTo(new OutputPage("56789", 5, 10, false));
  }

  @Test
  void aReadAtOrPastTheEndIsEmpty() {
    assertThat(OutputPage.of(slice(0, 10, ""), 10)).isEqualTo(new OutputPage("", 10, 10, false));
    assertThat(OutputPage.of(slice(0, 10, ""), 50).next()).isEqualTo(10);
  }

  @Test
  void aReadFromBeforeTheCutSaysSoAndGivesTheWholeTail() {
    OutputPage page = OutputPage.of(slice(4, 20, "456789abcdefghij"), 0);

    assertThat(page.truncated()).isTrue();
    assertThat(page.text())
        .isEqualTo("[... 4 earlier characters of output were cut ...]\n456789abcdefghij");
    assertThat(page.next()).isEqualTo(20);
  }

  @Test
  void aNegativeOffsetReadsFromTheStart() {
    assertThat(OutputPage.of(slice(0, 3, "abc"), -5).text()).isEqualTo("abc");
  }

  private static OutputSlice slice(long dropped, long total, String text) {
    return new OutputSlice() {
      @Override
      public long getDropped() {
        return dropped;
      }

      @Override
      public long getTotal() {
        return total;
      }

      @Override
      public String getText() {
        return text;
      }
    };
  }
}
