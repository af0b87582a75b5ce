package io.gpufleet.api.ratelimits;

import io.gpufleet.api.users.AuthenticatedUser;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Every band of the caller: its limit, what is left, and when more comes. */
@RestController
class LimitsController {

  private final RateLimiter limiter;

  LimitsController(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @GetMapping("/api/v1/me/limits")
  Limits limits(@AuthenticationPrincipal AuthenticatedUser user) {
    return new Limits(
        limiter.status(user).stream()
            .map(
                s ->
                    new BandView(
                        s.band().label(),
                        s.band().kind().name(),
                        s.band().window().toSeconds(),
                        s.limit(),
                        s.remaining(),
                        s.retryAfterSeconds()))
            .toList());
  }

  record Limits(List<BandView> bands) {}

  record BandView(
      String band,
      String kind,
      long windowSeconds,
      int limit,
      long remaining,
      long retryAfterSeconds) {}
}
