package io.gpufleet.simulator.vast;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** One simulated instance and its state machine; guarded by the simulator's lock. */
final class SimInstance {
  private static final Pattern PORT_FLAG = Pattern.compile("-p\\s+(\\d+):(\\d+)(/tcp)?");

  enum Phase {
    PROVISIONING(null),
    LOADING("loading"),
    RUNNING("running"),
    REBOOTING("rebooting"),
    STOPPED("stopped"),
    /** Start asked for, but someone else holds the GPU: Vast's console says "Scheduling". */
    SCHEDULING("stopped"),
    OFFLINE("offline"),
    EXITED("exited");

    final @Nullable String actual;

    Phase(@Nullable String actual) {
      this.actual = actual;
    }
  }

  final long id;
  final OfferSpec offer;
  final String image;
  final int diskGb;
  final @Nullable String onstart;
  final String runtype;
  final Map<String, String> env;
  final Instant created;
  final double dphTotal;
  String label;
  Phase phase = Phase.PROVISIONING;
  Instant since;
  String intended = "running";
  boolean gpuTaken;
  Map<Integer, Integer> hostPorts = Map.of();
  String statusMsg = "";

  SimInstance(
      long id,
      OfferSpec offer,
      String image,
      int diskGb,
      String label,
      @Nullable String onstart,
      String runtype,
      Map<String, String> env,
      double dphTotal,
      Instant now) {
    this.id = id;
    this.offer = offer;
    this.image = image;
    this.diskGb = diskGb;
    this.label = label;
    this.onstart = onstart;
    this.runtype = runtype;
    this.env = Map.copyOf(env);
    this.dphTotal = dphTotal;
    this.created = now;
    this.since = now;
  }

  Set<Integer> containerPorts() {
    Set<Integer> ports = new TreeSet<>();
    ports.add(22);
    for (String key : env.keySet()) {
      Matcher m = PORT_FLAG.matcher(key.trim());
      if (m.matches()) {
        ports.add(Integer.parseInt(m.group(2)));
      }
    }
    return ports;
  }

  InstanceHosts.Launch launch() {
    return new InstanceHosts.Launch(id, label, image, onstart, env, containerPorts());
  }

  /** Moves through timed phases; returns true while something changed. */
  boolean advance(Instant now, VastSimulatorConfig config, InstanceHosts hosts) {
    switch (phase) {
      case PROVISIONING:
        return moveAfter(now, config.provisioningDelay(), Phase.LOADING, "pulling " + image);
      case LOADING:
      case REBOOTING:
        Duration delay = phase == Phase.LOADING ? config.loadingDelay() : config.rebootDelay();
        if (!now.isBefore(since.plus(delay))) {
          since = since.plus(delay);
          phase = Phase.RUNNING;
          hostPorts = Map.copyOf(hosts.started(launch()));
          statusMsg = "success, running " + image + "/ssh";
          return true;
        }
        return false;
      case SCHEDULING:
        if (!gpuTaken) {
          enter(Phase.LOADING, now, "starting " + image);
          return true;
        }
        return false;
      default:
        return false;
    }
  }

  private boolean moveAfter(Instant now, Duration delay, Phase next, String message) {
    if (now.isBefore(since.plus(delay))) {
      return false;
    }
    since = since.plus(delay);
    phase = next;
    statusMsg = message;
    return true;
  }

  void enter(Phase next, Instant now, String message) {
    phase = next;
    since = now;
    statusMsg = message;
  }

  boolean containerUp() {
    return phase == Phase.RUNNING;
  }

  Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    boolean contract = phase != Phase.STOPPED && phase != Phase.SCHEDULING;
    json.put("id", id);
    json.put("machine_id", offer.machineId());
    json.put("host_id", 900 + offer.machineId() % 50);
    json.put("bundle_id", offer.id() + 1_000_000);
    json.put("actual_status", phase.actual);
    json.put("intended_status", intended);
    json.put("cur_state", contract ? "running" : "stopped");
    json.put("next_state", intended);
    json.put("status_msg", statusMsg);
    json.put("label", label);
    json.put("image_uuid", image);
    json.put("image_runtype", runtype);
    json.put("image_args", List.of());
    json.put("onstart", onstart);
    json.put(
        "extra_env", env.entrySet().stream().map(e -> List.of(e.getKey(), e.getValue())).toList());
    json.put("public_ipaddr", "127.0.0.1\n");
    json.put("local_ipaddrs", "127.0.0.1 \n");
    json.put("ssh_host", "127.0.0.1");
    json.put("ssh_port", containerUp() ? hostPorts.get(22) : null);
    json.put("ports", containerUp() ? ports() : null);
    json.put("direct_port_count", offer.directPortCount());
    json.put("gpu_name", offer.gpuName());
    json.put("num_gpus", offer.numGpus());
    json.put("gpu_ram", offer.gpuRamMb());
    json.put("gpu_totalram", offer.gpuRamMb() * offer.numGpus());
    json.put("gpu_util", containerUp() ? 3.0 : null);
    json.put("cpu_cores", null);
    json.put("cpu_cores_effective", 8.0 * offer.numGpus());
    json.put("cpu_ram", 64_000L * offer.numGpus());
    json.put("disk_space", (double) diskGb);
    json.put("disk_util", -1);
    json.put("inet_down", offer.inetDownMbps());
    json.put("dph_total", dphTotal);
    json.put("dph_base", offer.dphBase());
    json.put("is_bid", false);
    json.put("start_date", created.toEpochMilli() / 1000.0);
    json.put("end_date", created.plus(Duration.ofDays(30)).toEpochMilli() / 1000.0);
    json.put("reliability2", offer.reliability());
    json.put("geolocation", offer.geolocation());
    json.put("verification", offer.verified() ? "verified" : "unverified");
    return json;
  }

  private Map<String, Object> ports() {
    Map<String, Object> ports = new LinkedHashMap<>();
    hostPorts.forEach(
        (container, host) ->
            ports.put(
                container + "/tcp",
                List.of(
                    Map.of("HostIp", "0.0.0.0", "HostPort", String.valueOf(host)),
                    Map.of("HostIp", "::", "HostPort", String.valueOf(host)))));
    return ports;
  }
}
