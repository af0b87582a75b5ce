package io.gpufleet.simulator.ollama;

import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fault switches over HTTP, for tests and people without the Java handle: POST {@code
 * /_sim/fail-next?status=429&message=…&count=1&retry-after=2}, {@code
 * /_sim/drop-next-stream?after=N}, {@code /_sim/hang}, {@code /_sim/resume}, {@code
 * /_sim/slow-start?seconds=N}, {@code /_sim/refuse?seconds=N}, {@code /_sim/models?name=&size=&
 * vision=}, {@code /_sim/reset}; GET {@code /_sim/state}.
 */
final class AdminRoutes {
  private final OllamaSimulator sim;

  AdminRoutes(OllamaSimulator sim) {
    this.sim = sim;
  }

  void handle(Exchange ex) throws IOException {
    if (ex.path.equals("/_sim/state") && "GET".equals(ex.method())) {
      ObjectNode state = Exchange.MAPPER.createObjectNode();
      ArrayNode installed = state.putArray("installed");
      sim.modelNames().forEach(installed::add);
      ArrayNode loaded = state.putArray("loaded");
      sim.loadedModels().forEach(loaded::add);
      state.put("answers", sim.answersServed());
      state.put("tokens", sim.tokensServed());
      ex.json(200, state);
      return;
    }
    if (!"POST".equals(ex.method())) {
      ex.text(405, "405 method not allowed");
      return;
    }
    switch (ex.path) {
      case "/_sim/fail-next" -> {
        String retryAfter = ex.param("retry-after");
        sim.failNext(
            Integer.parseInt(or(ex.param("status"), "500")),
            or(ex.param("message"), "simulated failure"),
            Integer.parseInt(or(ex.param("count"), "1")),
            retryAfter == null ? null : Long.parseLong(retryAfter));
      }
      case "/_sim/drop-next-stream" ->
          sim.dropNextStreamAfter(Integer.parseInt(or(ex.param("after"), "3")));
      case "/_sim/hang" -> sim.hang();
      case "/_sim/resume" -> sim.resume();
      case "/_sim/slow-start" -> sim.slowStart(seconds(ex));
      case "/_sim/refuse" -> {
        Duration d = seconds(ex);
        ex.empty();
        sim.refuseConnectionsFor(d);
        return;
      }
      case "/_sim/models" ->
          sim.addModel(
              OllamaModelSpec.of(
                  or(ex.param("name"), "model:latest"),
                  Long.parseLong(or(ex.param("size"), "1000000000")),
                  "llama",
                  "3B",
                  Boolean.parseBoolean(ex.param("vision"))));
      case "/_sim/reset" -> sim.reset();
      default -> {
        ex.text(404, "404 page not found");
        return;
      }
    }
    ex.empty();
  }

  private static Duration seconds(Exchange ex) {
    return Duration.ofMillis(Math.round(Double.parseDouble(or(ex.param("seconds"), "5")) * 1000));
  }

  private static String or(@Nullable String v, String dflt) {
    return v == null || v.isEmpty() ? dflt : v;
  }
}
