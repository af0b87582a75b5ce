package io.gpufleet.simulator.comfy;

import java.time.Duration;

/**
 * Fault switches over HTTP, for tests that cannot reach the Java handle: POST /_sim/fail-next
 * (?node=KSampler&type=torch.OutOfMemoryError&message=...), /_sim/crash, /_sim/hang, /_sim/resume,
 * /_sim/freeze, /_sim/thaw (these two still answer while the rest of the port is frozen),
 * /_sim/slow-start?seconds=N, /_sim/refuse?seconds=N, /_sim/models (?folder=&name=&size=).
 */
final class AdminRoutes {
  private final ComfySimulator sim;

  AdminRoutes(ComfySimulator sim) {
    this.sim = sim;
  }

  void handle(Exchange ex) {
    if (!"POST".equals(ex.method())) {
      ex.text(405, "405: Method Not Allowed");
      return;
    }
    switch (ex.path) {
      case "/_sim/fail-next":
        String type = or(ex.param("type"), "torch.OutOfMemoryError");
        sim.failNextPrompt(
            or(ex.param("node"), "KSampler"),
            type,
            or(
                ex.param("message"),
                type.contains("OutOfMemory") ? ComfySimulator.OOM_MESSAGE : "simulated failure"));
        break;
      case "/_sim/crash":
        ex.empty();
        sim.crash();
        return;
      case "/_sim/hang":
        sim.hang();
        break;
      case "/_sim/resume":
        sim.resume();
        break;
      case "/_sim/freeze":
        sim.freeze();
        break;
      case "/_sim/thaw":
        sim.thaw();
        break;
      case "/_sim/slow-start":
        sim.slowStart(
            Duration.ofMillis(Math.round(Double.parseDouble(or(ex.param("seconds"), "5")) * 1000)));
        break;
      case "/_sim/refuse":
        Duration d =
            Duration.ofMillis(Math.round(Double.parseDouble(or(ex.param("seconds"), "5")) * 1000));
        ex.empty();
        sim.refuseConnectionsFor(d);
        return;
      case "/_sim/models":
        sim.addModel(
            or(ex.param("folder"), "checkpoints"),
            or(ex.param("name"), "model.safetensors"),
            Long.parseLong(or(ex.param("size"), "0")));
        break;
      default:
        ex.text(404, "404: Not Found");
        return;
    }
    ex.empty();
  }

  private static String or(@org.jspecify.annotations.Nullable String v, String dflt) {
    return v == null || v.isEmpty() ? dflt : v;
  }
}
