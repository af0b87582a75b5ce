package io.gpufleet.api.ratelimits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
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
import org.springframework.stereotype.Service;

/**
 * Counts a user's actions against every band of a kind. The buckets live in PostgreSQL (bucket4j,
 * one row per user and band, locked with SELECT … FOR UPDATE), so a limit holds across replicas.
 */
@Service
public class RateLimiter {

  private final ProxyManager<String> buckets;
  private final RateLimitProperties defaults;

  RateLimiter(DataSource dataSource, RateLimitProperties defaults, Clock clock) {
    this.defaults = defaults;
    this.buckets =
        Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
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
   * Takes one action of {@code kind} from each of its bands, or none if any band is spent (the
   * bands already charged get their token back).
   */
  public Decision consume(AuthenticatedUser user, Band.Kind kind) {
    List<Band> charged = new ArrayList<>();
    Decision tightest = null;
    for (Band band : Band.of(kind)) {
      int limit = band.limit(user.limits(), defaults);
      if (limit == 0) {
        refund(user, charged);
        return Decision.rejected(band, 0, band.window().toNanos());
      }
      ConsumptionProbe probe = bucket(user, band, limit).tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        refund(user, charged);
        return Decision.rejected(band, limit, probe.getNanosToWaitForRefill());
      }
      charged.add(band);
      Decision allowed =
          Decision.allowed(band, limit, probe.getRemainingTokens(), probe.getNanosToWaitForReset());
      if (tightest == null || allowed.remaining() < tightest.remaining()) {
        tightest = allowed;
      }
    }
    return tightest;
  }

  /** Every band of the user, read without spending anything. */
  public List<BandStatus> status(AuthenticatedUser user) {
    List<BandStatus> statuses = new ArrayList<>();
    for (Band band : Band.values()) {
      int limit = band.limit(user.limits(), defaults);
      if (limit == 0) {
        statuses.add(new BandStatus(band, 0, 0, band.window().toSeconds()));
        continue;
      }
      EstimationProbe probe = bucket(user, band, limit).estimateAbilityToConsume(1);
      long remaining = probe.canBeConsumed() ? probe.getRemainingTokens() : 0;
      statuses.add(
          new BandStatus(band, limit, remaining, ceilSeconds(probe.getNanosToWaitForRefill())));
    }
    return statuses;
  }

  private void refund(AuthenticatedUser user, List<Band> charged) {
    for (Band band : charged) {
      bucket(user, band, band.limit(user.limits(), defaults)).addTokens(1);
    }
  }

  private BucketProxy bucket(AuthenticatedUser user, Band band, int limit) {
    BucketConfiguration configuration =
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder().capacity(limit).refillIntervally(limit, band.window()).build())
            .build();
    // a changed limit replaces the stored configuration instead of waiting for the window
    return buckets
        .builder()
        .withImplicitConfigurationReplacement(limit, TokensInheritanceStrategy.AS_IS)
        .build(band.name() + ":" + user.id(), () -> configuration);
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
