package io.gpufleet.api.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.sql.SQLTransientConnectionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every connection of the pool is taken and none came free within its connection timeout (Hikari's
 * {@link SQLTransientConnectionException}, however Spring wrapped it): the request is answered 503
 * {@code DATABASE_BUSY} with {@code Retry-After}, not 500, because trying again shortly is all the
 * client needs to do. Nothing was written: the transaction never began. The advice answers what a
 * controller threw; this filter what the filters before it threw (an API key read, a session).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class DatabaseBusy extends OncePerRequestFilter {

  static final String CODE = ErrorCodes.DATABASE_BUSY;
  static final String DETAIL =
      "The database has no free connection right now; nothing was changed. Retry shortly";
  static final long RETRY_AFTER_SECONDS = 2;

  private static final Logger log = LoggerFactory.getLogger(DatabaseBusy.class);

  private final ProblemWriter problems;

  DatabaseBusy(ProblemWriter problems) {
    this.problems = problems;
  }

  /** True when {@code failure} or one of its causes is the pool's timeout. */
  static boolean causedBy(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLTransientConnectionException) {
        return true;
      }
    }
    return false;
  }

  static ApiException problem() {
    return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, CODE, DETAIL)
        .with("retryAfterSeconds", RETRY_AFTER_SECONDS);
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    try {
      chain.doFilter(request, response);
    } catch (ServletException | RuntimeException e) {
      if (!causedBy(e) || response.isCommitted()) {
        throw e;
      }
      log.warn(
          "{} {} -> 503 {}: {}", request.getMethod(), request.getRequestURI(), CODE, e.toString());
      response.resetBuffer();
      response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
      problems.write(
          response, HttpStatus.SERVICE_UNAVAILABLE, CODE, DETAIL, request.getRequestURI());
    }
  }
}
