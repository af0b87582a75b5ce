package io.gpufleet.vast;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads Vast's JSON into the typed records. Lenient on purpose: unknown fields are ignored, nulls
 * and numbers sent as strings are tolerated; only a missing id is fatal.
 */
final class VastJson {
  private VastJson() {}

  static Offer offer(JsonNode o) {
    return new Offer(
        requiredId(o, "offer"),
        optLong(o, "machine_id"),
        optLong(o, "host_id"),
        str(o, "gpu_name", ""),
        (int) num(o, "num_gpus", 0),
        Math.round(num(o, "gpu_ram", 0)),
        Math.round(num(o, "gpu_total_ram", num(o, "gpu_ram", 0) * num(o, "num_gpus", 0))),
        optInt(o, "cpu_cores"),
        num(o, "cpu_cores_effective", 0),
        Math.round(num(o, "cpu_ram", 0)),
        num(o, "disk_space", 0),
        num(o, "dph_total", 0),
        num(o, "min_bid", 0),
        num(o, "reliability", num(o, "reliability2", 0)),
        str(o, "geolocation", null),
        num(o, "inet_down", 0),
        num(o, "inet_up", 0),
        (int) num(o, "direct_port_count", 0),
        bool(o, "verified"),
        bool(o, "rentable"),
        optDouble(o, "cuda_max_good"));
  }

  static Instance instance(JsonNode i) {
    String ip = str(i, "public_ipaddr", null);
    ip = ip == null || ip.isBlank() ? null : ip.trim();
    Double start = optDouble(i, "start_date");
    return new Instance(
        requiredId(i, "instance"),
        optLong(i, "machine_id"),
        InstanceStatus.parse(str(i, "actual_status", null)),
        InstanceStatus.parse(str(i, "intended_status", null)),
        InstanceStatus.parse(str(i, "cur_state", null)),
        InstanceStatus.parse(str(i, "next_state", null)),
        str(i, "status_msg", null),
        ip,
        ports(i.path("ports")),
        str(i, "ssh_host", null),
        optInt(i, "ssh_port"),
        str(i, "gpu_name", null),
        (int) num(i, "num_gpus", 0),
        num(i, "dph_total", 0),
        str(i, "label", null),
        str(i, "image_uuid", null),
        start == null ? null : Instant.ofEpochMilli(Math.round(start * 1000)));
  }

  static VastUser user(JsonNode u) {
    return new VastUser(
        requiredId(u, "user"),
        str(u, "username", null),
        str(u, "email", null),
        num(u, "credit", 0),
        num(u, "balance", 0));
  }

  /** {@code {"8188/tcp":[{"HostIp":"0.0.0.0","HostPort":"41234"}]}}; HostPort is a string. */
  private static Map<String, List<Integer>> ports(JsonNode ports) {
    Map<String, List<Integer>> result = new LinkedHashMap<>();
    if (!ports.isObject()) {
      return result;
    }
    for (Map.Entry<String, JsonNode> entry : ports.properties()) {
      List<Integer> hostPorts = new ArrayList<>();
      for (JsonNode binding : entry.getValue().values()) {
        Integer port = optInt(binding, "HostPort");
        if (port != null && !hostPorts.contains(port)) {
          hostPorts.add(port);
        }
      }
      result.put(entry.getKey(), List.copyOf(hostPorts));
    }
    return result;
  }

  private static long requiredId(JsonNode node, String what) {
    Long id = optLong(node, "id");
    if (id == null) {
      throw new VastException.UndecodableResponse(what + " without an id", null);
    }
    return id;
  }

  private static @Nullable String str(JsonNode node, String field, @Nullable String fallback) {
    JsonNode value = node.path(field);
    return value.isString() || value.isNumber() ? value.asString() : fallback;
  }

  private static boolean bool(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    return value.isString() && Boolean.parseBoolean(value.asString().trim());
  }

  private static @Nullable Double optDouble(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isString()) {
      try {
        return Double.parseDouble(value.asString().trim());
      } catch (NumberFormatException notANumber) {
        return null;
      }
    }
    return null;
  }

  private static double num(JsonNode node, String field, double fallback) {
    Double value = optDouble(node, field);
    return value == null ? fallback : value;
  }

  private static @Nullable Long optLong(JsonNode node, String field) {
    JsonNode raw = node.path(field);
    if (raw.isIntegralNumber()) {
      return raw.asLong();
    }
    Double value = optDouble(node, field);
    return value == null ? null : Math.round(value);
  }

  private static @Nullable Integer optInt(JsonNode node, String field) {
    Double value = optDouble(node, field);
    return value == null ? null : (int) Math.round(value);
  }
}
