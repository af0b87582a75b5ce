package io.gpufleet.api.ratelimits;

import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.ErrorCodes;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;

/** The {@code X-RateLimit-*} headers, and the 429 that a spent band answers. */
public final class RateLimitHeaders {

  private RateLimitHeaders() {}

  public static void write(HttpServletResponse response, RateLimiter.Decision decision) {
    response.setHeader("X-RateLimit-Limit", Integer.toString(decision.limit()));
    response.setHeader("X-RateLimit-Remaining", Long.toString(decision.remaining()));
    response.setHeader("X-RateLimit-Reset", Long.toString(decision.resetSeconds()));
  }

  /** Writes the headers, and throws the 429 when the decision is a refusal. */
  public static void enforce(HttpServletResponse response, RateLimiter.Decision decision) {
    write(response, decision);
    if (!decision.allowed()) {
      response.setHeader("Retry-After", Long.toString(decision.resetSeconds()));
      throw new ApiException(
              HttpStatus.TOO_MANY_REQUESTS,
              ErrorCodes.RATE_LIMITED,
              "Rate limit of "
                  + decision.limit()
                  + " "
                  + decision.band().label()
                  + " reached; retry in "
                  + decision.resetSeconds()
                  + " s")
          .with("band", decision.band().label())
          .with("limit", decision.limit())
          .with("retryAfterSeconds", decision.resetSeconds());
    }
  }
}
