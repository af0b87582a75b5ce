package io.gpufleet.simulator.vast;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /_sim/...}: faults and machine events for the standalone simulator, without auth (it only
 * listens on loopback), and the log result URLs that stand in for Vast's S3 objects.
 */
final class SimAdmin {
  private static final Pattern INSTANCE_EVENT =
      Pattern.compile("/_sim/instances/(\\d+)/(take-gpu|release-gpu|offline|crash)");
  private static final Pattern LOG_FILE = Pattern.compile("/_sim/logs/([0-9a-f]+)\\.log");

  private final VastWorld world;
  private final Faults faults;

  SimAdmin(VastWorld world, Faults faults) {
    this.world = world;
    this.faults = faults;
  }

  Reply handle(String method, String path, Map<String, String> query) {
    Matcher m;
    if (method.equals("GET") && (m = LOG_FILE.matcher(path)).matches()) {
      return world.fetchLogs(m.group(1));
    }
    if (method.equals("GET") && path.equals("/_sim/state")) {
      Map<String, Object> state = new LinkedHashMap<>();
      state.put("offers_available", world.offersAvailable());
      state.put("instances", world.snapshot());
      return Reply.ok(state);
    }
    if (!method.equals("POST")) {
      return Reply.error(405, "method_not_allowed", "use POST for /_sim actions");
    }
    try {
      switch (path) {
        case "/_sim/faults/rate-limit":
          faults.rateLimitNext(count(query, 1), !"text".equals(query.get("body")));
          return Reply.success();
        case "/_sim/faults/server-error":
          faults.failNext(count(query, 1), Integer.parseInt(query.getOrDefault("status", "503")));
          return Reply.success();
        case "/_sim/faults/delay":
          faults.delayNext(
              count(query, -1), Duration.ofMillis(Long.parseLong(query.getOrDefault("ms", "0"))));
          return Reply.success();
        case "/_sim/faults/lose-rent-answer":
          faults.loseRentAnswers(
              count(query, 1), Duration.ofMillis(Long.parseLong(query.getOrDefault("ms", "5000"))));
          return Reply.success();
        case "/_sim/faults/clear":
          faults.clear();
          return Reply.success();
        default:
          break;
      }
      if ((m = INSTANCE_EVENT.matcher(path)).matches()) {
        long id = Long.parseLong(m.group(1));
        switch (m.group(2)) {
          case "take-gpu" -> world.takeGpu(id);
          case "release-gpu" -> world.releaseGpu(id);
          case "offline" -> world.goOffline(id);
          default -> world.crash(id, query.getOrDefault("msg", "container exited (code 1)"));
        }
        return Reply.success();
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      return Reply.error(400, "invalid_args", e.getMessage());
    }
    return Reply.error(404, "not_found", "No such simulator action: " + path);
  }

  private static int count(Map<String, String> query, int fallback) {
    String calls = query.get("calls");
    return calls == null ? fallback : Integer.parseInt(calls);
  }
}
