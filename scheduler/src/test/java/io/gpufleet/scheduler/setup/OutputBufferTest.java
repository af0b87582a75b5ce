package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gpufleet.scheduler.setup.ScriptOutputListener.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class OutputBufferTest {

  private final OutputBuffer buffer = new OutputBuffer(100);

  @Test
  void linesFromBothStreamsComeOutAsOneChunkInArrivalOrder() {
    buffer.line(Stream.STDOUT, "one");
    buffer.line(Stream.STDERR, "two");
    buffer.line(Stream.STDOUT, "three");

    assertThat(buffer.pendingChars()).isEqualTo(14);
    OutputBuffer.Drained drained = buffer.drain();
    assertThat(drained.chunk()).isEqualTo("one\ntwo\nthree\n");
    assertThat(drained.step()).isNull();
  }

  @Test
  void drainingEmptiesTheBuffer() {
    buffer.line(Stream.STDOUT, "once");
    buffer.drain();

    OutputBuffer.Drained again = buffer.drain();

    assertThat(again.isEmpty()).isTrue();
    assertThat(buffer.pendingChars()).isZero();
  }

  @Test
  void theLatestStepMarkerSinceTheLastDrainIsReportedOnce() {
    buffer.line(Stream.STDOUT, "##STEP 1/3 First");
    buffer.line(Stream.STDOUT, "##STEP 2/3 Second");
    buffer.line(Stream.STDOUT, "not a marker ##STEP 9/3 Bad");

    assertThat(buffer.drain().step()).isEqualTo(new StepMarkers.Step(2, 3, "Second"));
    assertThat(buffer.drain().step()).isNull();
  }

  @Test
  void nulCharactersAreRemovedSinceTheDatabaseCannotStoreThem() {
    buffer.line(Stream.STDOUT, "a\0b");

    assertThat(buffer.drain().chunk()).isEqualTo("ab\n");
  }

  @Test
  void aCapThatIsTooSmallIsRefused() {
    assertThatThrownBy(() -> new OutputBuffer(10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Nested
  class WhenTheDatabaseFallsBehind {

    @Test
    void theOldestOutputIsDroppedAndANoteTakesItsPlace() {
      for (int i = 0; i < 30; i++) {
        buffer.line(Stream.STDOUT, String.format("line %02d", i)); // 8 characters each
      }

      String chunk = buffer.drain().chunk();

      assertThat(chunk).startsWith("[... 140 characters of output dropped ...]\n");
      assertThat(chunk).endsWith("line 29\n");
      assertThat(chunk.substring(chunk.indexOf('\n') + 1)).hasSize(100);
    }

    @Test
    void theNoteIsGivenOnlyWithTheChunkThatLostOutput() {
      for (int i = 0; i < 30; i++) {
        buffer.line(Stream.STDOUT, "12345678");
      }
      buffer.drain();
      buffer.line(Stream.STDOUT, "next");

      assertThat(buffer.drain().chunk()).isEqualTo("next\n");
    }
  }

  @Nested
  class LastLines {

    @Test
    void stderrExplainsAFailureWhenItSaidSomething() {
      buffer.line(Stream.STDOUT, "progress");
      buffer.line(Stream.STDERR, "E: no space left");
      buffer.line(Stream.STDOUT, "more progress");

      assertThat(buffer.lastLines()).isEqualTo("E: no space left");
    }

    @Test
    void stdoutStandsInWhenStderrStayedSilentAndOnlyTheLastLinesAreKept() {
      for (int i = 1; i <= 20; i++) {
        buffer.line(Stream.STDOUT, "out " + i);
      }
      buffer.line(Stream.STDOUT, "   ");

      assertThat(buffer.lastLines().split("\n"))
          .hasSize(OutputBuffer.REMEMBERED_LINES)
          .startsWith("out 6")
          .endsWith("out 20");
    }

    @Test
    void noOutputMeansNoLines() {
      assertThat(buffer.lastLines()).isEmpty();
    }
  }
}
