package io.gpufleet.vast;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Vast.ai REST API: search offers, rent, read and manage instances. Thread-safe; make one per
 * API key with {@link #builder()}. Every failure is a {@link VastException}. The calls themselves
 * live by resource in {@link OfferCalls}, {@link InstanceCalls} and {@link AccountCalls}.
 */
public final class VastClient {
  private final HttpUrl baseUrl;
  private final CircuitBreaker circuitBreaker;
  private final OfferCalls offers;
  private final InstanceCalls instances;
  private final AccountCalls account;

  private VastClient(Builder b, HttpUrl baseUrl) {
    this.baseUrl = baseUrl;
    this.circuitBreaker = CircuitBreaker.of("vast", b.circuitBreakerConfig);
    VastCalls calls =
        new VastCalls(
            b.httpClient == null ? VastCalls.defaultHttpClient() : b.httpClient,
            baseUrl,
            Objects.requireNonNull(b.apiKey),
            JsonMapper.builder().build(),
            new RetryPolicy(b.maxAttempts, b.initialBackoff, b.multiplier, b.maxBackoff, b.jitter),
            new Spacing(b.minIntervals, b.clock, b.sleeper),
            circuitBreaker,
            b.sleeper,
            RandomGenerator.getDefault());
    this.instances = new InstanceCalls(calls, b.logPolls, b.logPollInterval);
    this.offers = new OfferCalls(calls, instances, b.rentLookups);
    this.account = new AccountCalls(calls);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code POST /api/v0/bundles/}; offers that do not really match the query are dropped. */
  public List<Offer> searchOffers(OfferQuery query) {
    return offers.search(query);
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
    return offers.rent(offerId, request);
  }

  /** Every instance of the account, all pages of {@code GET /api/v1/instances/}. */
  public List<Instance> listInstances() {
    return instances.list();
  }

  /** Instances carrying exactly this label. */
  public List<Instance> listInstancesByLabel(String label) {
    return instances.listByLabel(label);
  }

  /** {@code GET /api/v0/instances/{id}/}; empty once the instance is destroyed. */
  public Optional<Instance> instance(long instanceId) {
    return instances.show(instanceId);
  }

  /** Asks for the container to run; if the GPU was taken meanwhile it waits ("scheduling"). */
  public void start(long instanceId) {
    instances.manage(instanceId, Map.of("state", "running"));
  }

  /** Stops the container and releases the GPU; storage keeps billing. */
  public void stop(long instanceId) {
    instances.manage(instanceId, Map.of("state", "stopped"));
  }

  public void label(long instanceId, String label) {
    if (label.length() > 1024) {
      throw new IllegalArgumentException("label longer than 1024 characters");
    }
    instances.manage(instanceId, Map.of("label", label));
  }

  /** Restarts the container without losing the GPU. */
  public void reboot(long instanceId) {
    instances.restart(instanceId, "reboot");
  }

  /** Pulls the image again and recreates the container in place, keeping the GPU. */
  public void recycle(long instanceId) {
    instances.restart(instanceId, "recycle");
  }

  /**
   * {@code DELETE /api/v0/instances/{id}/}. Idempotent.
   *
   * @return false if the instance was already gone
   */
  public boolean destroy(long instanceId) {
    return instances.destroy(instanceId);
  }

  /** Installs a public key on a running instance ({@code POST /api/v0/instances/{id}/ssh/}). */
  public void attachSshKey(long instanceId, String publicKey) {
    instances.attachSshKey(instanceId, publicKey);
  }

  /**
   * Asks Vast for the container's last lines of log and fetches them from the result URL once it is
   * ready; empty if it was not ready within the configured polls.
   */
  public Optional<String> logs(long instanceId, int tailLines) {
    return instances.logs(instanceId, tailLines);
  }

  /** {@code GET /api/v0/users/current/}: a good way to check a key. */
  public VastUser currentUser() {
    return account.currentUser();
  }

  /** OPEN after repeated transport failures and 5xx; calls then fail fast. */
  public CircuitBreaker.State circuitState() {
    return circuitBreaker.getState();
  }

  @Override
  public String toString() {
    return "VastClient[" + baseUrl + ", apiKey=****]";
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
    private CircuitBreakerConfig circuitBreakerConfig = VastCalls.DEFAULT_CIRCUIT_BREAKER;
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
