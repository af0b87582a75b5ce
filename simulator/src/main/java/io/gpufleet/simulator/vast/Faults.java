package io.gpufleet.simulator.vast;

import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Failures injected on demand; each counter is used up by the next API calls. */
final class Faults {
  private int rateLimited;
  private boolean rateLimitAsJson;
  private int serverErrors;
  private int serverErrorStatus = 503;
  private Duration delay = Duration.ZERO;
  private int delayedCalls;
  private int lostRents;
  private Duration lostRentHold = Duration.ZERO;
  private int rentAnswersLost;

  synchronized void rateLimitNext(int calls, boolean json) {
    rateLimited = calls;
    rateLimitAsJson = json;
  }

  synchronized void failNext(int calls, int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("server errors are 5xx: " + status);
    }
    serverErrors = calls;
    serverErrorStatus = status;
  }

  /** Delays the next {@code calls} answers; a negative count delays all until cleared. */
  synchronized void delayNext(int calls, Duration delay) {
    this.delayedCalls = calls;
    this.delay = delay;
  }

  /** The next {@code rents} rents are carried out, but answered only {@code hold} later. */
  synchronized void loseRentAnswers(int rents, Duration hold) {
    this.lostRents = rents;
    this.lostRentHold = hold;
  }

  /** How long to hold this rent's answer (it has been carried out already); zero: none. */
  synchronized Duration takeLostRent() {
    if (lostRents <= 0) {
      return Duration.ZERO;
    }
    lostRents--;
    rentAnswersLost++;
    return lostRentHold;
  }

  synchronized int rentAnswersLost() {
    return rentAnswersLost;
  }

  synchronized void clear() {
    lostRents = 0;
    rateLimited = 0;
    serverErrors = 0;
    delayedCalls = 0;
    delay = Duration.ZERO;
  }

  synchronized Duration takeDelay() {
    if (delayedCalls == 0) {
      return Duration.ZERO;
    }
    if (delayedCalls > 0) {
      delayedCalls--;
    }
    return delay;
  }

  /** The injected failure for this call, if any. No Retry-After, as on Vast. */
  synchronized @Nullable Reply take() {
    if (rateLimited > 0) {
      rateLimited--;
      return rateLimitAsJson
          ? Reply.json(429, Map.of("detail", "API requests too frequent endpoint threshold=1.0"))
          : Reply.text(429, "API requests too frequent");
    }
    if (serverErrors > 0) {
      serverErrors--;
      return Reply.text(serverErrorStatus, serverErrorStatus + " simulated server error");
    }
    return null;
  }
}
