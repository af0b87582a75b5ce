package io.gpufleet.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Reads a generation's SSE stream: its numbered events, as an EventSource would see them. */
final class EventStream {

  /** One numbered event: its {@code id:} and its {@code event:} name. */
  record Event(long seq, String type) {
    boolean progress() {
      return type.equals("generation.progress");
    }
  }

  private EventStream() {}

  /**
   * Appends numbered events to {@code into} until {@code progressWanted} progress events have come,
   * a final event ({@code generation.completed|failed|cancelled}) came, or the stream ended; {@code
   * onState} runs once the unnumbered {@code generation.state} that opens a fresh stream arrived.
   */
  static void read(InputStream stream, List<Event> into, int progressWanted, Runnable onState)
      throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
    String name = "";
    String number = null;
    int progress = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      if (line.startsWith("event:")) {
        name = line.substring(6).strip();
      } else if (line.startsWith("id:")) {
        number = line.substring(3).strip();
      } else if (line.isEmpty() && !name.isEmpty()) {
        if (name.equals("generation.state")) {
          onState.run();
        }
        if (number != null) {
          Event event = new Event(Long.parseLong(number), name);
          into.add(event);
          if (event.progress() && ++progress >= progressWanted) {
            return;
          }
          if (name.matches("generation\\.(completed|failed|cancelled)")) {
            return;
          }
        }
        name = "";
        number = null;
      }
    }
  }
}
