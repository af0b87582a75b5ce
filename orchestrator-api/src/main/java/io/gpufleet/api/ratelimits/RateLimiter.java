package io.gpufleet.api.ratelimits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.VerboseResult;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.gpufleet.api.users.AuthenticatedUser;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;

/**
 * Counts a user's actions against every band of a kind. The buckets live in PostgreSQL (bucket4j,
 * locked with SELECT … FOR UPDATE), so a limit holds across replicas. All the bands of one kind are
 * one bucket (one row, one transaction per action, and a refusal takes nothing from any band); its
 * key names the limits, so a changed limit takes effect at once, with fresh counts. (bucket4j's
 * batching optimization is not used: a new bucket met by concurrent calls fails in a batch with
 * "Bucket does not exist".)
 */
@Service
public class RateLimiter implements DisposableBean {

  private final ProxyManager<String> buckets;
  private final @Nullable HikariDataSource counters;
  private final RateLimitProperties defaults;

  /** A bucket's proxy, built once, and the monitor its callers of this replica take in turn. */
  private record Held(BucketProxy proxy) {}

  private final Cache<String, Held> proxies =
      Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(Duration.ofMinutes(10)).build();

  RateLimiter(DataSource dataSource, RateLimitProperties defaults, Clock clock) {
    this.defaults = defaults;
    this.counters = countersPool(dataSource);
    this.buckets =
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(counters != null ? counters : dataSource)
            .primaryKeyMapper(PrimaryKeyMapper.STRING)
            .table("rate_limit_buckets")
            .idColumn("id")
            .stateColumn("state")
            .expiresAtColumn("expires_at")
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofMinutes(5)))
            .clientClock(clockMeter(clock))
            .build();
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
    config.setMaximumPoolSize(6);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(hikari.getConnectionTimeout());
    config.setConnectionInitSql("SET synchronous_commit = off");
    return new HikariDataSource(config);
  }

  @Override
  public void destroy() {
    if (counters != null) {
      counters.close();
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
    Held held = bucket(user, kind, bands, limits);
    VerboseResult<ConsumptionProbe> result;
    // one call per bucket at a time from this replica: concurrent requests of a user queue here
    // rather than in PostgreSQL, where each would hold one of the pool's connections while it
    // waits for the row's lock
    synchronized (held) {
      result = held.proxy().asVerbose().tryConsumeAndReturnRemaining(1);
    }
    ConsumptionProbe probe = result.getValue();
    long[] left = result.getDiagnostics().getAvailableTokensPerEachBandwidth();
    if (!probe.isConsumed()) {
      int spent = 0;
      for (int i = 0; i < bands.size(); i++) {
        if (left[i] < 1) {
          spent =
              i; // bands go from the shortest window to the longest: the last spent holds longest
        }
      }
      return Decision.rejected(bands.get(spent), limits[spent], probe.getNanosToWaitForRefill());
    }
    int tightest = 0;
    for (int i = 1; i < bands.size(); i++) {
      if (left[i] < left[tightest]) {
        tightest = i;
      }
    }
    Band band = bands.get(tightest);
    long reset = Math.min(band.window().toNanos(), probe.getNanosToWaitForReset());
    return Decision.allowed(band, limits[tightest], Math.max(0, left[tightest]), reset);
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
      long[] left = new long[bands.size()];
      long refill = 0;
      if (!closed) {
        VerboseResult<EstimationProbe> probe =
            bucket(user, kind, bands, limits).proxy().asVerbose().estimateAbilityToConsume(1);
        left = probe.getDiagnostics().getAvailableTokensPerEachBandwidth();
        refill = probe.getValue().canBeConsumed() ? 0 : probe.getValue().getNanosToWaitForRefill();
      }
      for (int i = 0; i < bands.size(); i++) {
        Band band = bands.get(i);
        long remaining = closed ? 0 : Math.max(0, left[i]);
        long wait = remaining > 0 ? 0 : closed ? 0 : Math.min(refill, band.window().toNanos());
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

  private Held bucket(AuthenticatedUser user, Band.Kind kind, List<Band> bands, int[] limits) {
    StringBuilder key = new StringBuilder(kind.name()).append(':').append(user.id());
    for (int limit : limits) {
      key.append(':').append(limit);
    }
    return proxies.get(
        key.toString(),
        id -> {
          io.github.bucket4j.ConfigurationBuilder configuration = BucketConfiguration.builder();
          for (int i = 0; i < bands.size(); i++) {
            int limit = limits[i];
            Duration window = bands.get(i).window();
            configuration.addLimit(
                Bandwidth.builder().capacity(limit).refillIntervally(limit, window).build());
          }
          BucketConfiguration built = configuration.build();
          return new Held(buckets.builder().build(id, () -> built));
        });
  }

  static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  private static TimeMeter clockMeter(Clock clock) {
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
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
