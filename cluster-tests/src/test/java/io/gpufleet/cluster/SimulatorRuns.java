package io.gpufleet.cluster;

import io.gpufleet.simulator.comfy.ComfySimulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * What the ComfyUIs themselves ran, read from their {@code /history} as any ComfyUI client reads
 * it: each prompt that started running is there under its prompt id, with the graph it ran. The
 * suite's prompts carry a tag in their text ({@code [tag]}), so a run counts against the generation
 * the test submitted, whatever prompt ids the platform gave its attempts.
 */
final class SimulatorRuns {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern TAG = Pattern.compile("\\[([a-z]+-\\d+)\\]");

  private SimulatorRuns() {}

  /** Runs per tag, over every simulator. */
  static Map<String, Integer> byTag(List<ComfySimulator> simulators) {
    Map<String, Integer> runs = new HashMap<>();
    for (ComfySimulator sim : simulators) {
      JsonNode history = history(sim);
      for (JsonNode entry : history) {
        // ComfyUI's history item: [number, prompt_id, graph, extra_data, outputs]
        Matcher m = TAG.matcher(entry.path("prompt").path(2).toString());
        if (m.find()) {
          runs.merge(m.group(1), 1, Integer::sum);
        }
      }
    }
    return runs;
  }

  private static JsonNode history(ComfySimulator sim) {
    try {
      HttpResponse<String> answer =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/history")).build(),
              HttpResponse.BodyHandlers.ofString());
      return Api.JSON.readTree(answer.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
