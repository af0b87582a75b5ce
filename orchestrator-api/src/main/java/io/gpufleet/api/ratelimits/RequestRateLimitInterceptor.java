package io.gpufleet.api.ratelimits;

import io.gpufleet.api.users.AuthenticatedUser;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** Counts every authenticated API request against the caller's request bands. */
@Component
class RequestRateLimitInterceptor implements HandlerInterceptor {

  private final RateLimiter limiter;

  RequestRateLimitInterceptor(RateLimiter limiter) {
    this.limiter = limiter;
  }

  @Override
  public boolean preHandle(
      HttpServletRequest request, HttpServletResponse response, Object handler) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication != null && authentication.getPrincipal() instanceof AuthenticatedUser user) {
      RateLimitHeaders.enforce(response, limiter.consume(user, Band.Kind.REQUESTS));
    }
    return true;
  }
}
