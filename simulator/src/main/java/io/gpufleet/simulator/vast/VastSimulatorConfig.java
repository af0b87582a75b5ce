package io.gpufleet.simulator.vast;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link VastSimulator}.
 *
 * @param port 0 picks a free one
 * @param provisioningDelay from rent to "loading" ({@code actual_status} null until then)
 * @param loadingDelay from "loading" to "running" (also after start and recycle)
 * @param rebootDelay how long "rebooting" lasts
 * @param enforceMinIntervals answer 429 when an endpoint is called faster than Vast allows
 * @param tickInterval how often states advance without anyone asking; null: only when asked
 * @param logsReadyAfterPolls how many polls of a log result URL answer 404 before the text
 */
public record VastSimulatorConfig(
    String host,
    int port,
    String apiKey,
    List<OfferSpec> catalog,
    Duration provisioningDelay,
    Duration loadingDelay,
    Duration rebootDelay,
    Clock clock,
    InstanceHosts hosts,
    boolean enforceMinIntervals,
    @Nullable Duration tickInterval,
    int logsReadyAfterPolls,
    double userCredit) {

  public VastSimulatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(apiKey, "apiKey");
    catalog = List.copyOf(catalog);
  }

  public static Builder builder() {
    return new Builder();
  }

  public static VastSimulatorConfig defaults() {
    return builder().build();
  }

  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String apiKey = "sim-" + UUID.randomUUID();
    private List<OfferSpec> catalog = OfferSpec.defaultCatalog();
    private Duration provisioningDelay = Duration.ofSeconds(2);
    private Duration loadingDelay = Duration.ofSeconds(5);
    private Duration rebootDelay = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();
    private InstanceHosts hosts = InstanceHosts.freeLocalPorts();
    private boolean enforceMinIntervals;
    private @Nullable Duration tickInterval = Duration.ofMillis(100);
    private int logsReadyAfterPolls = 1;
    private double userCredit = 25.0;

    private Builder() {}

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder apiKey(String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    public Builder catalog(List<OfferSpec> catalog) {
      this.catalog = catalog;
      return this;
    }

    public Builder provisioningDelay(Duration delay) {
      this.provisioningDelay = delay;
      return this;
    }

    public Builder loadingDelay(Duration delay) {
      this.loadingDelay = delay;
      return this;
    }

    public Builder rebootDelay(Duration delay) {
      this.rebootDelay = delay;
      return this;
    }

    /** Sets all three state delays at once. */
    public Builder stateDelays(Duration delay) {
      return provisioningDelay(delay).loadingDelay(delay).rebootDelay(delay);
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder hosts(InstanceHosts hosts) {
      this.hosts = hosts;
      return this;
    }

    public Builder enforceMinIntervals(boolean enforce) {
      this.enforceMinIntervals = enforce;
      return this;
    }

    public Builder tickInterval(@Nullable Duration tickInterval) {
      this.tickInterval = tickInterval;
      return this;
    }

    public Builder logsReadyAfterPolls(int polls) {
      this.logsReadyAfterPolls = polls;
      return this;
    }

    public Builder userCredit(double credit) {
      this.userCredit = credit;
      return this;
    }

    public VastSimulatorConfig build() {
      return new VastSimulatorConfig(
          host,
          port,
          apiKey,
          catalog,
          provisioningDelay,
          loadingDelay,
          rebootDelay,
          clock,
          hosts,
          enforceMinIntervals,
          tickInterval,
          logsReadyAfterPolls,
          userCredit);
    }
  }
}
