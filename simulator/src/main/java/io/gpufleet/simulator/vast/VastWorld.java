package io.gpufleet.simulator.vast;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The simulated account and marketplace. All state changes happen under this object's lock. */
final class VastWorld {
  private static final int DEFAULT_OFFER_LIMIT = 64;
  private static final int MAX_PAGE = 25;

  private final VastSimulatorConfig config;
  private final Map<Long, OfferSpec> offers = new LinkedHashMap<>();
  private final Set<Long> takenOffers = new TreeSet<>();
  private final Map<Long, SimInstance> instances = new TreeMap<>();
  private final Map<String, Integer> logPolls = new HashMap<>();
  private final SecureRandom random = new SecureRandom();
  private long nextInstanceId = 27_100_001;

  VastWorld(VastSimulatorConfig config) {
    this.config = config;
    for (OfferSpec offer : config.catalog()) {
      offers.put(offer.id(), offer);
    }
  }

  synchronized Reply search(JsonNode query) {
    boolean bid = query.path("type").asString("on-demand").equals("bid");
    double storageGb = query.path("allocated_storage").asDouble(5.0);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (OfferSpec offer : offers.values()) {
      if (takenOffers.contains(offer.id())) {
        continue;
      }
      Map<String, Object> row = OfferJson.of(offer, storageGb, bid);
      if (Filters.matches(query, row)) {
        rows.add(row);
      }
    }
    JsonNode order = query.path("order");
    rows.sort(Filters.order(order.isArray() ? order : null));
    int limit = query.path("limit").asInt(DEFAULT_OFFER_LIMIT);
    return Reply.ok(Map.of("offers", rows.subList(0, Math.min(Math.max(limit, 0), rows.size()))));
  }

  synchronized Reply rent(long offerId, JsonNode body) {
    OfferSpec offer = offers.get(offerId);
    if (offer == null || takenOffers.contains(offerId)) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("success", false);
      error.put("error", "invalid_args");
      error.put(
          "msg",
          "error 404/3603: no_such_ask Instance type by id " + offerId + " is not available.");
      error.put("ask_id", offerId);
      return Reply.json(404, error);
    }
    String image = body.path("image").asString("");
    if (image.isBlank()) {
      return Reply.error(400, "invalid_args", "image is required");
    }
    int disk = body.path("disk").asInt(10);
    if (disk < 8) {
      return Reply.error(400, "invalid_args", "disk must be at least 8 GB");
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : body.path("env").properties()) {
      env.put(e.getKey(), e.getValue().asString(""));
    }
    JsonNode price = body.path("price");
    boolean underbid =
        price.isNumber() && price.asDouble() < OfferJson.minBid(offer) && price.asDouble() > 0;
    long id = nextInstanceId++;
    SimInstance instance =
        new SimInstance(
            id,
            offer,
            image,
            disk,
            body.path("label").asString(""),
            body.path("onstart").isString() ? body.path("onstart").asString() : null,
            body.path("runtype").asString("ssh"),
            env,
            price.isNumber() ? price.asDouble() : OfferJson.dphTotal(offer, disk),
            config.clock().instant());
    instances.put(id, instance);
    takenOffers.add(offerId);
    if (underbid) {
      // Vast creates the instance stopped and still answers with an error (dstack #4036).
      instance.intended = "stopped";
      instance.enter(SimInstance.Phase.STOPPED, config.clock().instant(), "outbid");
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("success", false);
      error.put("error", "invalid_price");
      error.put("msg", "Your bid is below the current minimum; the instance was created stopped.");
      error.put("new_contract", id);
      return Reply.ok(error);
    }
    Map<String, Object> ok = new LinkedHashMap<>();
    ok.put("success", true);
    ok.put("new_contract", id);
    ok.put("instance_api_key", HexFormat.of().formatHex(random.generateSeed(16)));
    return Reply.ok(ok);
  }

  synchronized Reply show(long id) {
    advanceAll();
    SimInstance instance = instances.get(id);
    Map<String, Object> body = new HashMap<>();
    body.put("instances", instance == null ? null : instance.toJson());
    return Reply.ok(body);
  }

  synchronized Reply list(
      @Nullable JsonNode filters, @Nullable String limitParam, @Nullable String token) {
    advanceAll();
    int limit = MAX_PAGE;
    if (limitParam != null) {
      try {
        int asked = Integer.parseInt(limitParam.trim());
        limit = asked <= 0 ? 5 : Math.min(asked, MAX_PAGE);
      } catch (NumberFormatException e) {
        return Reply.error(400, "invalid_request", "limit must be an integer");
      }
    }
    long after = 0;
    if (token != null && !token.isEmpty()) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        after = Long.parseLong(decoded.substring("after:".length()));
      } catch (RuntimeException e) {
        return Reply.error(400, "invalid_token", "Invalid pagination token.");
      }
    }
    List<Map<String, Object>> matching = new ArrayList<>();
    Map<String, Integer> labelCounts = new TreeMap<>();
    for (SimInstance instance : instances.values()) {
      labelCounts.merge(instance.label, 1, Integer::sum);
      Map<String, Object> row = instance.toJson();
      if (filters == null || Filters.matches(filters, row)) {
        matching.add(row);
      }
    }
    List<Map<String, Object>> page = new ArrayList<>();
    String next = null;
    for (Map<String, Object> row : matching) {
      long id = ((Number) row.get("id")).longValue();
      if (id <= after) {
        continue;
      }
      if (page.size() == limit) {
        long lastId = ((Number) page.get(page.size() - 1).get("id")).longValue();
        next =
            Base64.getUrlEncoder()
                .encodeToString(("after:" + lastId).getBytes(StandardCharsets.UTF_8));
        break;
      }
      page.add(row);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("instances_found", page.size());
    body.put("total_instances", matching.size());
    body.put("label_counts", labelCounts);
    body.put("next_token", next);
    body.put("instances", page);
    return Reply.ok(body);
  }

  synchronized Reply manage(long id, JsonNode body) {
    SimInstance instance = instances.get(id);
    if (instance == null) {
      return noSuchInstance(id);
    }
    advanceAll();
    if (body.path("label").isString()) {
      String label = body.path("label").asString();
      if (label.length() > 1024) {
        return Reply.error(400, "label_too_long", "Label is too long.");
      }
      instance.label = label;
    }
    String state = body.path("state").asString("");
    if (state.equals("stopped")) {
      stop(instance);
    } else if (state.equals("running")) {
      start(instance);
    } else if (!state.isEmpty()) {
      return Reply.error(400, "invalid_args", "state must be running or stopped");
    }
    return Reply.success();
  }

  private void stop(SimInstance instance) {
    instance.intended = "stopped";
    if (instance.phase == SimInstance.Phase.STOPPED) {
      return;
    }
    boolean wasUp = instance.containerUp();
    instance.enter(SimInstance.Phase.STOPPED, config.clock().instant(), "stopped");
    instance.hostPorts = Map.of();
    if (wasUp) {
      config.hosts().stopped(instance.id);
    }
  }

  private void start(SimInstance instance) {
    instance.intended = "running";
    if (instance.phase != SimInstance.Phase.STOPPED && instance.phase != SimInstance.Phase.EXITED) {
      return;
    }
    if (instance.gpuTaken) {
      instance.enter(
          SimInstance.Phase.SCHEDULING,
          config.clock().instant(),
          "Waiting for GPU: another rental holds it (scheduling).");
    } else {
      instance.enter(SimInstance.Phase.LOADING, config.clock().instant(), "starting container");
    }
  }

  synchronized Reply restart(long id, boolean recycle) {
    SimInstance instance = instances.get(id);
    if (instance == null) {
      return noSuchInstance(id);
    }
    advanceAll();
    if (instance.containerUp()) {
      config.hosts().stopped(id);
    }
    instance.hostPorts = Map.of();
    instance.intended = "running";
    if (recycle) {
      instance.enter(
          SimInstance.Phase.LOADING,
          config.clock().instant(),
          "recycling: pulling " + instance.image);
    } else {
      instance.enter(SimInstance.Phase.REBOOTING, config.clock().instant(), "rebooting");
    }
    return Reply.success();
  }

  synchronized Reply destroy(long id) {
    SimInstance instance = instances.remove(id);
    if (instance == null) {
      return noSuchInstance(id);
    }
    takenOffers.remove(instance.offer.id());
    config.hosts().destroyed(id);
    return Reply.success();
  }

  synchronized Reply attachSsh(long id, JsonNode body) {
    SimInstance instance = instances.get(id);
    if (instance == null) {
      return noSuchInstance(id);
    }
    String key = body.path("ssh_key").asString("").trim();
    if (!key.startsWith("ssh")) {
      return Reply.error(400, "no_ssh_key", "No valid ssh key given.");
    }
    config.hosts().sshKeyAttached(id, key);
    return Reply.ok(Map.of("success", true, "msg", "SSH key added to instance."));
  }

  synchronized Reply requestLogs(long id, String baseUrl) {
    SimInstance instance = instances.get(id);
    if (instance == null) {
      return Reply.error(404, "invalid_id", "Invalid instance id.");
    }
    String token = HexFormat.of().formatHex(random.generateSeed(12));
    logPolls.put(token, 0);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", true);
    body.put("result_url", baseUrl + "/_sim/logs/" + token + ".log");
    body.put("msg", "Pulling logs, wait a few seconds and then view the result_url");
    logText.put(token, logsOf(instance));
    return Reply.ok(body);
  }

  private final Map<String, String> logText = new HashMap<>();

  synchronized Reply fetchLogs(String token) {
    Integer polls = logPolls.get(token);
    if (polls == null) {
      return Reply.text(404, "<Error><Code>NoSuchKey</Code></Error>");
    }
    logPolls.put(token, polls + 1);
    if (polls < config.logsReadyAfterPolls()) {
      return Reply.text(404, "<Error><Code>NoSuchKey</Code></Error>");
    }
    return Reply.text(200, logText.getOrDefault(token, ""));
  }

  private static String logsOf(SimInstance instance) {
    return "Welcome to vast.ai. If authentication fails, try again after a few seconds.\n"
        + "instance "
        + instance.id
        + " "
        + instance.image
        + ": "
        + instance.statusMsg
        + "\n";
  }

  /** {"gpu_names": [...]}: every GPU model of the marketplace, sorted, as Vast lists them. */
  synchronized Reply gpuNames() {
    TreeSet<String> names = new TreeSet<>();
    offers.values().forEach(o -> names.add(o.gpuName()));
    return Reply.ok(Map.of("gpu_names", List.copyOf(names)));
  }

  Reply currentUser() {
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("id", 4242);
    user.put("username", "gpufleet-sim");
    user.put("email", "sim@example.invalid");
    user.put("fullname", "GPU Fleet Simulator");
    user.put("credit", config.userCredit());
    user.put("balance", 0.0);
    user.put("has_billing", true);
    user.put("email_verified", true);
    return Reply.ok(user);
  }

  synchronized void advanceAll() {
    for (SimInstance instance : instances.values()) {
      while (instance.advance(config.clock().instant(), config, config.hosts())) {
        // keep moving until the instance has caught up with the clock
      }
    }
  }

  synchronized void takeGpu(long id) {
    SimInstance instance = require(id);
    if (instance.phase != SimInstance.Phase.STOPPED) {
      throw new IllegalStateException(
          "the GPU can only be taken while instance " + id + " is stopped");
    }
    instance.gpuTaken = true;
  }

  synchronized void releaseGpu(long id) {
    require(id).gpuTaken = false;
    advanceAll();
  }

  synchronized void goOffline(long id) {
    SimInstance instance = require(id);
    if (instance.containerUp()) {
      config.hosts().stopped(id);
    }
    instance.hostPorts = Map.of();
    instance.enter(SimInstance.Phase.OFFLINE, config.clock().instant(), "host disconnected");
  }

  synchronized void crash(long id, String message) {
    SimInstance instance = require(id);
    if (instance.containerUp()) {
      config.hosts().stopped(id);
    }
    instance.hostPorts = Map.of();
    instance.enter(SimInstance.Phase.EXITED, config.clock().instant(), message);
  }

  synchronized List<Map<String, Object>> snapshot() {
    advanceAll();
    return instances.values().stream().map(SimInstance::toJson).toList();
  }

  synchronized int offersAvailable() {
    return offers.size() - takenOffers.size();
  }

  private SimInstance require(long id) {
    SimInstance instance = instances.get(id);
    if (instance == null) {
      throw new IllegalArgumentException("no instance " + id);
    }
    return instance;
  }

  private static Reply noSuchInstance(long id) {
    return Reply.error(404, "no_such_instance", "Instance " + id + " not found.");
  }
}
