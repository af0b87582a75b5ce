package io.gpufleet.api;

import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A WebSocket listener for tests: every text message, parsed, in the order it came. */
public final class JsonMessages {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonMessages() {}

  public static WebSocket.Listener into(List<JsonNode> messages) {
    return new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          messages.add(JSON.readTree(partial.toString()));
          partial.setLength(0);
        }
        socket.request(1);
        return null;
      }
    };
  }
}
