package io.gpufleet.vast;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One HTTP exchange with Vast, made safe: endpoint spacing, the circuit breaker, retries of what
 * may be retried, and every failure turned into a {@link VastException}.
 */
final class VastCalls {
  private static final Logger log = LoggerFactory.getLogger(VastClient.class);
  private static final MediaType JSON = MediaType.get("application/json");

  /** Opens when half of the last 20 calls (at least 10) failed; tries again after 30 s. */
  static final CircuitBreakerConfig DEFAULT_CIRCUIT_BREAKER =
      CircuitBreakerConfig.custom()
          .slidingWindowSize(20)
          .minimumNumberOfCalls(10)
          .failureRateThreshold(50)
          .waitDurationInOpenState(Duration.ofSeconds(30))
          .build();

  /** What a failed attempt may be followed by. */
  enum Retry {
    /** Idempotent calls: 429, 502/503/504 and transport failures. */
    TRANSIENT,
    /** Rent: only 429 proves the call was not executed. */
    RATE_LIMIT_ONLY
  }

  private final OkHttpClient http;
  private final HttpUrl baseUrl;
  private final String authorization;
  private final JsonMapper mapper;
  private final RetryPolicy retryPolicy;
  private final Spacing spacing;
  private final CircuitBreaker circuitBreaker;
  private final Sleeper sleeper;
  private final RandomGenerator random;

  VastCalls(
      OkHttpClient http,
      HttpUrl baseUrl,
      String apiKey,
      JsonMapper mapper,
      RetryPolicy retryPolicy,
      Spacing spacing,
      CircuitBreaker circuitBreaker,
      Sleeper sleeper,
      RandomGenerator random) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.authorization = "Bearer " + apiKey;
    this.mapper = mapper;
    this.retryPolicy = retryPolicy;
    this.spacing = spacing;
    this.circuitBreaker = circuitBreaker;
    this.sleeper = sleeper;
    this.random = random;
  }

  static OkHttpClient defaultHttpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(60))
        .callTimeout(Duration.ofSeconds(120))
        .build();
  }

  HttpUrl.Builder url(String path) {
    HttpUrl.Builder url = baseUrl.newBuilder();
    for (String segment : path.split("/")) {
      if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    // Vast's paths end with a slash; addPathSegment("") adds it.
    return url.addPathSegment("");
  }

  JsonNode call(Endpoint endpoint, String method, HttpUrl url, @Nullable Object body, Retry retry) {
    for (int attempt = 1; ; attempt++) {
      try {
        return once(endpoint, method, url, body);
      } catch (VastException failure) {
        if (!mayRetry(failure, retry) || attempt >= retryPolicy.maxAttempts()) {
          throw failure;
        }
        Duration backoff = retryPolicy.backoffAfter(attempt, random);
        log.debug(
            "{} {} failed ({}), attempt {} of {}, retrying in {} ms",
            method,
            url.encodedPath(),
            failure.getMessage(),
            attempt,
            retryPolicy.maxAttempts(),
            backoff.toMillis());
        pause(backoff);
      }
    }
  }

  private static boolean mayRetry(VastException failure, Retry retry) {
    if (failure instanceof VastException.TransportFailure transport && transport.circuitOpen()) {
      return false;
    }
    if (retry == Retry.RATE_LIMIT_ONLY) {
      return failure instanceof VastException.RateLimited;
    }
    return failure.retryable();
  }

  private JsonNode once(Endpoint endpoint, String method, HttpUrl url, @Nullable Object body) {
    pauseForSpacing(endpoint);
    try {
      circuitBreaker.acquirePermission();
    } catch (CallNotPermittedException open) {
      throw VastException.TransportFailure.openCircuit();
    }
    long started = System.nanoTime();
    Request request = request(method, url, body);
    try (Response response = http.newCall(request).execute()) {
      long elapsed = System.nanoTime() - started;
      ResponseBody responseBody = response.body();
      String text = responseBody == null ? "" : responseBody.string();
      log.debug(
          "{} {} -> {} in {} ms",
          method,
          url.encodedPath(),
          response.code(),
          TimeUnit.NANOSECONDS.toMillis(elapsed));
      if (!response.isSuccessful()) {
        VastException failure = ErrorBodies.fromStatus(response.code(), text, mapper);
        if (response.code() >= 500) {
          circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
        } else {
          circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        throw failure;
      }
      circuitBreaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
      JsonNode json = parse(text, url);
      if (json.path("success").isBoolean() && !json.path("success").booleanValue()) {
        throw ErrorBodies.refused(response.code(), json);
      }
      return json;
    } catch (IOException e) {
      long elapsed = System.nanoTime() - started;
      VastException failure =
          new VastException.TransportFailure(
              method + " " + url.encodedPath() + " failed: " + e.getMessage(), e);
      log.debug("{} {} -> {}", method, url.encodedPath(), e.toString());
      circuitBreaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
      throw failure;
    }
  }

  private Request request(String method, HttpUrl url, @Nullable Object body) {
    RequestBody requestBody =
        body == null && (method.equals("GET") || method.equals("HEAD"))
            ? null
            : RequestBody.create(mapper.writeValueAsString(body == null ? Map.of() : body), JSON);
    return new Request.Builder()
        .url(url)
        .header("Authorization", authorization)
        .header("Accept", "application/json")
        .method(method, requestBody)
        .build();
  }

  private JsonNode parse(String text, HttpUrl url) {
    try {
      JsonNode json = mapper.readTree(text);
      if (json == null || !json.isObject()) {
        throw new VastException.UndecodableResponse(
            url.encodedPath() + " answered something other than a JSON object", null);
      }
      return json;
    } catch (JacksonException e) {
      throw new VastException.UndecodableResponse(
          url.encodedPath() + " answered invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A plain GET without our key, for result URLs that live on other hosts. */
  @Nullable String fetchUnauthenticated(HttpUrl url) {
    Request request = new Request.Builder().url(url).get().build();
    try (Response response = http.newCall(request).execute()) {
      log.debug("GET {} -> {}", url.encodedPath(), response.code());
      if (!response.isSuccessful()) {
        return null;
      }
      ResponseBody body = response.body();
      return body == null ? "" : body.string();
    } catch (IOException notYet) {
      log.debug("GET {} -> {}", url.encodedPath(), notYet.toString());
      return null;
    }
  }

  void pause(Duration duration) {
    try {
      sleeper.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VastException.TransportFailure("interrupted while waiting", e);
    }
  }

  private void pauseForSpacing(Endpoint endpoint) {
    try {
      spacing.await(endpoint);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VastException.TransportFailure("interrupted while waiting", e);
    }
  }

  JsonMapper mapper() {
    return mapper;
  }
}
