package io.gpufleet.api.ratelimits;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.gpufleet.api.users.AuthenticatedUser;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Counts a user's actions against every band of a kind. The counts live in PostgreSQL (see {@link
 * BandCounters}: rows locked FOR UPDATE, many calls in one transaction), so a limit holds across
 * replicas. All the bands of one kind are one row (a refusal takes nothing from any band); its key
 * names the limits, so a changed limit takes effect at once, with fresh counts.
 */
@Service
public class RateLimiter implements DisposableBean {

  private final BandCounters counters;
  private final @Nullable HikariDataSource countersPool;
  private final RateLimitProperties defaults;

  RateLimiter(DataSource dataSource, RateLimitProperties defaults, Clock clock) {
    this.defaults = defaults;
    this.countersPool = countersPool(dataSource);
    this.counters = new BandCounters(countersPool != null ? countersPool : dataSource, clock);
  }

  /**
   * A small pool of its own whose commits do not wait for the WAL flush: the counters are written
   * on every call, and after a crash a user may at most get the last second's actions again, which
   * is not worth a disk flush per request. Everything else stays fully durable.
   */
  private static @Nullable HikariDataSource countersPool(DataSource main) {
    if (!(main instanceof HikariDataSource hikari) || hikari.getJdbcUrl() == null) {
      return null;
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("gpufleet-rate-limits");
    config.setJdbcUrl(hikari.getJdbcUrl());
    config.setUsername(hikari.getUsername());
    config.setPassword(hikari.getPassword());
    config.setDataSourceProperties(hikari.getDataSourceProperties());
    // one batch at a time takes the counts; the other connection serves GET /me/limits
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(hikari.getConnectionTimeout());
    config.setConnectionInitSql("SET synchronous_commit = off");
    return new HikariDataSource(config);
  }

  @Override
  public void destroy() {
    counters.close();
    if (countersPool != null) {
      countersPool.close();
    }
  }

  /**
   * Takes one action of {@code kind} from each of its bands, or none if any band is spent. The
   * answer names the tightest band (or the spent one that keeps it refused longest).
   */
  public Decision consume(AuthenticatedUser user, Band.Kind kind) {
    List<Band> bands = Band.of(kind);
    int[] limits = limits(user, bands);
    for (int i = 0; i < bands.size(); i++) {
      if (limits[i] == 0) {
        return Decision.rejected(bands.get(i), 0, bands.get(i).window().toNanos());
      }
    }
    long[] windows = windowsMillis(bands);
    BandCounters.Taken taken = counters.take(key(user, kind, limits), windows, limits);
    BandWindows counts = taken.windows();
    if (!taken.allowed()) {
      int spent = 0;
      for (int i = 0; i < bands.size(); i++) {
        if (counts.used(i) >= limits[i]) {
          // bands go from the shortest window to the longest: the last spent holds longest
          spent = i;
        }
      }
      return Decision.rejected(
          bands.get(spent), limits[spent], nanosUntil(counts.endMillis(spent, windows), taken));
    }
    int tightest = 0;
    for (int i = 1; i < bands.size(); i++) {
      if (limits[i] - counts.used(i) < limits[tightest] - counts.used(tightest)) {
        tightest = i;
      }
    }
    return Decision.allowed(
        bands.get(tightest),
        limits[tightest],
        Math.max(0, limits[tightest] - counts.used(tightest)),
        nanosUntil(counts.endMillis(tightest, windows), taken));
  }

  /** Every band of the user, read without spending anything. */
  public List<BandStatus> status(AuthenticatedUser user) {
    List<BandStatus> statuses = new ArrayList<>();
    for (Band.Kind kind : Band.Kind.values()) {
      List<Band> bands = Band.of(kind);
      int[] limits = limits(user, bands);
      boolean closed = false;
      for (int limit : limits) {
        closed |= limit == 0;
      }
      long[] windows = windowsMillis(bands);
      BandCounters.Taken now = closed ? null : counters.read(key(user, kind, limits), windows);
      for (int i = 0; i < bands.size(); i++) {
        Band band = bands.get(i);
        long remaining = now == null ? 0 : Math.max(0, limits[i] - now.windows().used(i));
        long wait =
            remaining > 0 || now == null ? 0 : nanosUntil(now.windows().endMillis(i, windows), now);
        statuses.add(new BandStatus(band, limits[i], remaining, ceilSeconds(wait)));
      }
    }
    statuses.sort(java.util.Comparator.comparing(BandStatus::band));
    return statuses;
  }

  private int[] limits(AuthenticatedUser user, List<Band> bands) {
    int[] limits = new int[bands.size()];
    for (int i = 0; i < bands.size(); i++) {
      limits[i] = bands.get(i).limit(user.limits(), defaults);
    }
    return limits;
  }

  private static String key(AuthenticatedUser user, Band.Kind kind, int[] limits) {
    StringBuilder key = new StringBuilder(kind.name()).append(':').append(user.id());
    for (int limit : limits) {
      key.append(':').append(limit);
    }
    return key.toString();
  }

  private static long[] windowsMillis(List<Band> bands) {
    long[] windows = new long[bands.size()];
    for (int i = 0; i < windows.length; i++) {
      windows[i] = bands.get(i).window().toMillis();
    }
    return windows;
  }

  private static long nanosUntil(long endMillis, BandCounters.Taken taken) {
    return Math.max(0, endMillis - taken.nowMillis()) * 1_000_000L;
  }

  static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  /** The outcome of one attempt, and what the response headers tell about the tightest band. */
  public record Decision(boolean allowed, Band band, int limit, long remaining, long resetNanos) {

    static Decision allowed(Band band, int limit, long remaining, long resetNanos) {
      return new Decision(true, band, limit, remaining, resetNanos);
    }

    static Decision rejected(Band band, int limit, long retryAfterNanos) {
      return new Decision(false, band, limit, 0, retryAfterNanos);
    }

    public long resetSeconds() {
      return Math.max(ceilSeconds(resetNanos), allowed ? 0 : 1);
    }
  }

  /** One band of a user, as {@code GET /me/limits} shows it. */
  public record BandStatus(Band band, int limit, long remaining, long retryAfterSeconds) {}
}
