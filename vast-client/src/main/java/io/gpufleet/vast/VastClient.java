package io.gpufleet.vast;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Vast.ai REST API: search offers, rent, read and manage instances. Thread-safe; make one per
 * API key with {@link #builder()}. Every failure is a {@link VastException}.
 */
public final class VastClient {
  private static final Logger log = LoggerFactory.getLogger(VastClient.class);
  private static final int LIST_PAGE_SIZE = 25;
  private static final int MAX_PAGES = 10_000;

  private final VastCalls calls;
  private final HttpUrl baseUrl;
  private final CircuitBreaker circuitBreaker;
  private final int rentLookups;
  private final int logPolls;
  private final Duration logPollInterval;

  private VastClient(Builder b, HttpUrl baseUrl) {
    this.baseUrl = baseUrl;
    this.circuitBreaker = CircuitBreaker.of("vast", b.circuitBreakerConfig);
    RetryPolicy retryPolicy =
        new RetryPolicy(b.maxAttempts, b.initialBackoff, b.multiplier, b.maxBackoff, b.jitter);
    this.calls =
        new VastCalls(
            b.httpClient == null ? defaultHttpClient() : b.httpClient,
            baseUrl,
            Objects.requireNonNull(b.apiKey),
            JsonMapper.builder().build(),
            retryPolicy,
            new Spacing(b.minIntervals, b.clock, b.sleeper),
            circuitBreaker,
            b.sleeper,
            RandomGenerator.getDefault());
    this.rentLookups = b.rentLookups;
    this.logPolls = b.logPolls;
    this.logPollInterval = b.logPollInterval;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code POST /api/v0/bundles/}; offers that do not really match the query are dropped. */
  public List<Offer> searchOffers(OfferQuery query) {
    JsonNode json =
        calls.call(
            Endpoint.SEARCH_OFFERS,
            "POST",
            calls.url("/api/v0/bundles/").build(),
            query.toJson(),
            VastCalls.Retry.TRANSIENT);
    JsonNode offers = json.path("offers");
    if (!offers.isArray()) {
      throw new VastException.UndecodableResponse("offer search without an offers array", null);
    }
    List<Offer> result = new ArrayList<>();
    for (JsonNode node : offers.values()) {
      Offer offer = VastJson.offer(node);
      if (query.matches(offer)) {
        result.add(offer);
      } else {
        log.debug(
            "dropping offer {} ({}) that does not match the query", offer.id(), offer.gpuName());
      }
    }
    return List.copyOf(result);
  }

  /**
   * Rents an offer ({@code PUT /api/v0/asks/{id}/}) and returns the new instance id. Retried only
   * on 429. If the answer is lost (timeout, connection reset, 5xx) Vast may still have created the
   * instance, so the client looks for it by label and returns it when found. The label should
   * therefore be unique per rent.
   *
   * @throws VastException.ApiError with {@link VastException.ApiError#offerGone()} when the offer
   *     was taken, and with {@link VastException.ApiError#createdInstanceId()} when Vast refused
   *     but still created a (stopped) instance that must be destroyed
   */
  public long rent(long offerId, RentRequest request) {
    try {
      JsonNode json =
          calls.call(
              Endpoint.RENT,
              "PUT",
              calls.url("/api/v0/asks/" + offerId + "/").build(),
              request.toJson(),
              VastCalls.Retry.RATE_LIMIT_ONLY);
      JsonNode id = json.path("new_contract");
      if (!id.isNumber() && !(id.isString() && id.asString().matches("\\d+"))) {
        throw new VastException.UndecodableResponse("rent answer without new_contract", null);
      }
      return id.asLong();
    } catch (VastException.TransportFailure | VastException.ApiError lost) {
      if (lost instanceof VastException.ApiError api && api.status() < 500) {
        throw lost;
      }
      if (lost instanceof VastException.TransportFailure transport && transport.circuitOpen()) {
        throw lost;
      }
      return findRented(offerId, request.label(), lost);
    }
  }

  private long findRented(long offerId, String label, VastException lost) {
    for (int lookup = 1; lookup <= rentLookups; lookup++) {
      try {
        Optional<Instance> found =
            listInstancesByLabel(label).stream().max(Comparator.comparingLong(Instance::id));
        if (found.isPresent()) {
          log.warn(
              "rent of offer {} got no answer ({}); found instance {} by its label",
              offerId,
              lost.getMessage(),
              found.get().id());
          return found.get().id();
        }
      } catch (VastException lookupFailed) {
        lost.addSuppressed(lookupFailed);
      }
      if (lookup < rentLookups) {
        calls.pause(Endpoint.LIST_INSTANCES.documentedMinInterval());
      }
    }
    throw lost;
  }

  /** Every instance of the account, all pages of {@code GET /api/v1/instances/}. */
  public List<Instance> listInstances() {
    return list(null);
  }

  /** Instances carrying exactly this label. */
  public List<Instance> listInstancesByLabel(String label) {
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

  /** {@code GET /api/v0/instances/{id}/}; empty once the instance is destroyed. */
  public Optional<Instance> instance(long instanceId) {
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

  /** Asks for the container to run; if the GPU was taken meanwhile it waits ("scheduling"). */
  public void start(long instanceId) {
    manage(instanceId, Map.of("state", "running"));
  }

  /** Stops the container and releases the GPU; storage keeps billing. */
  public void stop(long instanceId) {
    manage(instanceId, Map.of("state", "stopped"));
  }

  public void label(long instanceId, String label) {
    if (label.length() > 1024) {
      throw new IllegalArgumentException("label longer than 1024 characters");
    }
    manage(instanceId, Map.of("label", label));
  }

  /** Restarts the container without losing the GPU. */
  public void reboot(long instanceId) {
    calls.call(
        Endpoint.REBOOT_INSTANCE,
        "PUT",
        calls.url("/api/v0/instances/reboot/" + instanceId + "/").build(),
        Map.of(),
        VastCalls.Retry.TRANSIENT);
  }

  /** Pulls the image again and recreates the container in place, keeping the GPU. */
  public void recycle(long instanceId) {
    calls.call(
        Endpoint.REBOOT_INSTANCE,
        "PUT",
        calls.url("/api/v0/instances/recycle/" + instanceId + "/").build(),
        Map.of(),
        VastCalls.Retry.TRANSIENT);
  }

  /**
   * {@code DELETE /api/v0/instances/{id}/}. Idempotent.
   *
   * @return false if the instance was already gone
   */
  public boolean destroy(long instanceId) {
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

  /** Installs a public key on a running instance ({@code POST /api/v0/instances/{id}/ssh/}). */
  public void attachSshKey(long instanceId, String publicKey) {
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

  /**
   * Asks Vast for the container's last lines of log and fetches them from the result URL once it is
   * ready; empty if it was not ready within the configured polls.
   */
  public Optional<String> logs(long instanceId, int tailLines) {
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

  /** {@code GET /api/v0/users/current/}: a good way to check a key. */
  public VastUser currentUser() {
    return VastJson.user(
        calls.call(
            Endpoint.CURRENT_USER,
            "GET",
            calls.url("/api/v0/users/current/").build(),
            null,
            VastCalls.Retry.TRANSIENT));
  }

  /** OPEN after repeated transport failures and 5xx; calls then fail fast. */
  public CircuitBreaker.State circuitState() {
    return circuitBreaker.getState();
  }

  @Override
  public String toString() {
    return "VastClient[" + baseUrl + ", apiKey=****]";
  }

  private void manage(long instanceId, Map<String, Object> body) {
    calls.call(
        Endpoint.MANAGE_INSTANCE, "PUT", instanceUrl(instanceId), body, VastCalls.Retry.TRANSIENT);
  }

  private HttpUrl instanceUrl(long instanceId) {
    return calls.url("/api/v0/instances/" + instanceId + "/").build();
  }

  private static String abbreviate(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }

  private static OkHttpClient defaultHttpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(60))
        .callTimeout(Duration.ofSeconds(120))
        .build();
  }

  /** Settings of a {@link VastClient}; only the API key is required. */
  public static final class Builder {
    private @Nullable String apiKey;
    private String baseUrl = "https://console.vast.ai";
    private @Nullable OkHttpClient httpClient;
    private int maxAttempts = 4;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private double multiplier = 2.0;
    private Duration maxBackoff = Duration.ofSeconds(15);
    private double jitter = 0.2;
    private final Map<Endpoint, Duration> minIntervals = new EnumMap<>(Endpoint.class);
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.REAL;
    private CircuitBreakerConfig circuitBreakerConfig =
        CircuitBreakerConfig.custom()
            .slidingWindowSize(20)
            .minimumNumberOfCalls(10)
            .failureRateThreshold(50)
            .waitDurationInOpenState(Duration.ofSeconds(30))
            .build();
    private int rentLookups = 3;
    private int logPolls = 30;
    private Duration logPollInterval = Duration.ofMillis(300);

    private Builder() {
      for (Endpoint endpoint : Endpoint.values()) {
        minIntervals.put(endpoint, endpoint.documentedMinInterval());
      }
    }

    /** Required. Sent only as a Bearer header; never logged. */
    public Builder apiKey(String apiKey) {
      if (apiKey == null || apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey.trim();
      return this;
    }

    /** Default {@code https://console.vast.ai}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
      return this;
    }

    /** Your client, for its timeouts, pool and interceptors. */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Attempts per idempotent call, the first included. Default 4. */
    public Builder maxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Default 1 s: Vast's intervals are 1-5 s. */
    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff);
      return this;
    }

    /** Default 2. */
    public Builder backoffMultiplier(double multiplier) {
      this.multiplier = multiplier;
      return this;
    }

    /** Default 15 s. */
    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff);
      return this;
    }

    /** Fraction (0..1) by which each backoff randomly varies; default 0.2. */
    public Builder jitter(double jitter) {
      this.jitter = jitter;
      return this;
    }

    /** Minimum time between two calls to one endpoint; defaults are Vast's documented ones. */
    public Builder minInterval(Endpoint endpoint, Duration interval) {
      minIntervals.put(endpoint, Objects.requireNonNull(interval));
      return this;
    }

    /** No client-side spacing at all (for simulators, or when the caller spaces calls). */
    public Builder noSpacing() {
      for (Endpoint endpoint : Endpoint.values()) {
        minIntervals.put(endpoint, Duration.ZERO);
      }
      return this;
    }

    /** The clock spacing is measured with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /**
     * Transport failures and 5xx count as failures, everything else as success; the config's
     * thresholds decide when the circuit opens.
     */
    public Builder circuitBreaker(CircuitBreakerConfig config) {
      this.circuitBreakerConfig = Objects.requireNonNull(config);
      return this;
    }

    /** How often a rent with a lost answer looks for its instance by label. Default 3. */
    public Builder rentLookups(int lookups) {
      if (lookups < 1) {
        throw new IllegalArgumentException("at least one lookup");
      }
      this.rentLookups = lookups;
      return this;
    }

    /** Polls of a log result URL and the wait between them; default 30 × 300 ms. */
    public Builder logPolling(int polls, Duration interval) {
      if (polls < 1) {
        throw new IllegalArgumentException("at least one poll");
      }
      this.logPolls = polls;
      this.logPollInterval = Objects.requireNonNull(interval);
      return this;
    }

    public VastClient build() {
      if (apiKey == null) {
        throw new IllegalStateException("apiKey is required");
      }
      HttpUrl url = HttpUrl.parse(baseUrl);
      if (url == null) {
        throw new IllegalArgumentException("baseUrl is not an http(s) URL: " + baseUrl);
      }
      return new VastClient(this, url);
    }

    @Override
    public String toString() {
      return "VastClient.Builder[" + baseUrl + ", apiKey=****]";
    }
  }
}
