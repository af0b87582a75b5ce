package io.gpufleet.scheduler.setup;

import static org.assertj.core.api.Assertions.assertThat;

import io.gpufleet.scheduler.setup.ScriptOutputListener.Stream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSplitterTest {

  private final List<String> lines = new ArrayList<>();
  private final LineSplitter splitter =
      new LineSplitter(Stream.STDERR, (stream, line) -> lines.add(stream + ":" + line));

  private void write(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    splitter.write(bytes, 0, bytes.length);
  }

  @Test
  void passesOnEachLineAsSoonAsItEnds() {
    write("one\ntw");
    assertThat(lines).containsExactly("STDERR:one");
    write("o\n");
    assertThat(lines).containsExactly("STDERR:one", "STDERR:two");
  }

  @Test
  void dropsTheCarriageReturnOfCrlf() {
    write("windows\r\n\n");
    assertThat(lines).containsExactly("STDERR:windows", "STDERR:");
  }

  @Test
  void decodesACharacterSplitBetweenWrites() {
    byte[] bytes = "é\n".getBytes(StandardCharsets.UTF_8);
    splitter.write(bytes, 0, 1);
    splitter.write(bytes, 1, bytes.length - 1);
    assertThat(lines).containsExactly("STDERR:é");
  }

  @Test
  void closePassesOnAnUnterminatedLastLine() {
    write("no newline");
    assertThat(lines).isEmpty();
    splitter.close();
    assertThat(lines).containsExactly("STDERR:no newline");
  }

  @Test
  void overlongLineComesInPieces() {
    write("x".repeat(LineSplitter.MAX_LINE_BYTES + 10) + "\n");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).hasSize("STDERR:".length() + LineSplitter.MAX_LINE_BYTES);
  }
}
