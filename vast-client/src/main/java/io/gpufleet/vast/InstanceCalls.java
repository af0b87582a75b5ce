package io.gpufleet.vast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** The account's instances: listing them page by page, reading, managing and destroying one. */
final class InstanceCalls {
  private static final int LIST_PAGE_SIZE = 25;
  private static final int MAX_PAGES = 10_000;

  private final VastCalls calls;
  private final int logPolls;
  private final Duration logPollInterval;

  InstanceCalls(VastCalls calls, int logPolls, Duration logPollInterval) {
    this.calls = calls;
    this.logPolls = logPolls;
    this.logPollInterval = logPollInterval;
  }

  List<Instance> list() {
    return list(null);
  }

  List<Instance> listByLabel(String label) {
    return list(Map.of("label", Map.of("eq", label)));
  }

  private List<Instance> list(@Nullable Map<String, Object> filters) {
    List<Instance> result = new ArrayList<>();
    Set<String> seenTokens = new HashSet<>();
    String token = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      HttpUrl.Builder url =
          calls.url("/api/v1/instances/").addQueryParameter("limit", "" + LIST_PAGE_SIZE);
      if (filters != null) {
        url.addQueryParameter("select_filters", calls.mapper().writeValueAsString(filters));
      }
      if (token != null) {
        url.addQueryParameter("after_token", token);
      }
      JsonNode json =
          calls.call(Endpoint.LIST_INSTANCES, "GET", url.build(), null, VastCalls.Retry.TRANSIENT);
      JsonNode instances = json.path("instances");
      if (!instances.isArray()) {
        // An old or changed list shape must never read as "no instances": they keep billing.
        throw new VastException.UndecodableResponse(
            "instance list without an instances array: " + abbreviate(json.toString()), null);
      }
      for (JsonNode node : instances.values()) {
        result.add(VastJson.instance(node));
      }
      JsonNode next = json.path("next_token");
      if (!next.isString() || next.asString().isEmpty()) {
        return List.copyOf(result);
      }
      token = next.asString();
      if (!seenTokens.add(token)) {
        throw new VastException.UndecodableResponse("instance list repeats a page token", null);
      }
    }
    throw new VastException.UndecodableResponse("instance list has too many pages", null);
  }

  Optional<Instance> show(long instanceId) {
    JsonNode json;
    try {
      json =
          calls.call(
              Endpoint.SHOW_INSTANCE,
              "GET",
              instanceUrl(instanceId),
              null,
              VastCalls.Retry.TRANSIENT);
    } catch (VastException.ApiError e) {
      if (e.status() == 404 && e.code().equals("no_such_instance")) {
        return Optional.empty();
      }
      throw e;
    }
    if (!json.has("instances")) {
      throw new VastException.UndecodableResponse("instance answer without instances", null);
    }
    JsonNode instance = json.get("instances");
    if (instance.isNull()) {
      return Optional.empty();
    }
    if (!instance.isObject()) {
      throw new VastException.UndecodableResponse("instances is not an object", null);
    }
    return Optional.of(VastJson.instance(instance));
  }

  /** {@code PUT /api/v0/instances/{id}/} with a state or a label. */
  void manage(long instanceId, Map<String, Object> body) {
    calls.call(
        Endpoint.MANAGE_INSTANCE, "PUT", instanceUrl(instanceId), body, VastCalls.Retry.TRANSIENT);
  }

  /** {@code reboot} or {@code recycle}: both restart the container in place. */
  void restart(long instanceId, String how) {
    calls.call(
        Endpoint.REBOOT_INSTANCE,
        "PUT",
        calls.url("/api/v0/instances/" + how + "/" + instanceId + "/").build(),
        Map.of(),
        VastCalls.Retry.TRANSIENT);
  }

  boolean destroy(long instanceId) {
    try {
      calls.call(
          Endpoint.DESTROY_INSTANCE,
          "DELETE",
          instanceUrl(instanceId),
          Map.of(),
          VastCalls.Retry.TRANSIENT);
      return true;
    } catch (VastException.ApiError e) {
      if (e.code().equals("no_such_instance")) {
        return false;
      }
      throw e;
    }
  }

  void attachSshKey(long instanceId, String publicKey) {
    String key = publicKey.trim();
    if (!key.startsWith("ssh") || key.contains("PRIVATE KEY")) {
      throw new IllegalArgumentException("not an OpenSSH public key");
    }
    calls.call(
        Endpoint.ATTACH_SSH_KEY,
        "POST",
        calls.url("/api/v0/instances/" + instanceId + "/ssh/").build(),
        Map.of("ssh_key", key),
        VastCalls.Retry.TRANSIENT);
  }

  /** Vast writes the log to a result URL some time after the request; it is polled there. */
  Optional<String> logs(long instanceId, int tailLines) {
    JsonNode json =
        calls.call(
            Endpoint.REQUEST_LOGS,
            "PUT",
            calls.url("/api/v0/instances/request_logs/" + instanceId + "/").build(),
            Map.of("tail", String.valueOf(tailLines)),
            VastCalls.Retry.TRANSIENT);
    HttpUrl resultUrl = HttpUrl.parse(json.path("result_url").asString(""));
    if (resultUrl == null) {
      throw new VastException.UndecodableResponse("log request without a result_url", null);
    }
    for (int poll = 1; poll <= logPolls; poll++) {
      String text = calls.fetchUnauthenticated(resultUrl);
      if (text != null) {
        return Optional.of(text);
      }
      if (poll < logPolls) {
        calls.pause(logPollInterval);
      }
    }
    return Optional.empty();
  }

  private HttpUrl instanceUrl(long instanceId) {
    return calls.url("/api/v0/instances/" + instanceId + "/").build();
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
