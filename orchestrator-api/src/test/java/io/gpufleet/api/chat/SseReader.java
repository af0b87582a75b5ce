package io.gpufleet.api.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Reads server-sent events one by one as they arrive, as a browser's EventSource does. */
public final class SseReader {

  public record Event(String name, String data) {}

  private SseReader() {}

  public static List<Event> readAll(InputStream body) throws IOException {
    return readAll(body, e -> {});
  }

  public static List<Event> readAll(InputStream body, Consumer<Event> onEach) throws IOException {
    List<Event> events = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isEmpty()) {
          if (data.length() > 0) {
            Event event = new Event(name, data.toString());
            events.add(event);
            onEach.accept(event);
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          if (data.length() > 0) {
            data.append('\n');
          }
          data.append(line.substring(5).stripLeading());
        }
      }
    }
    return events;
  }
}
