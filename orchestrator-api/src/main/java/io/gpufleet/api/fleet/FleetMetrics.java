package io.gpufleet.api.fleet;

import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.accounting.FleetSpend;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The fleet's figures on {@code /actuator/prometheus}: $/h now, servers by status and health, queue
 * depth, running generations. The server list is read at most every few seconds, however often the
 * gauges are scraped.
 */
@Component
class FleetMetrics implements MeterBinder {

  private static final Duration FRESH = Duration.ofSeconds(5);

  private final ServerRepository servers;
  private final FleetSpend spend;
  private final ObjectProvider<GenerationFigures> figures;
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

  FleetMetrics(
      ServerRepository servers, FleetSpend spend, ObjectProvider<GenerationFigures> figures) {
    this.servers = servers;
    this.spend = spend;
    this.figures = figures;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("gpufleet.fleet.price.per.hour", this, m -> spend.pricePerHourNow().doubleValue())
        .description("What the fleet costs per hour now, in dollars")
        .register(registry);
    for (ServerStatus status : ServerStatus.values()) {
      Gauge.builder(
              "gpufleet.servers",
              this,
              m -> m.servers().stream().filter(s -> s.getStatus() == status).count())
          .tag("status", status.name())
          .register(registry);
    }
    for (HealthState health : HealthState.values()) {
      Gauge.builder(
              "gpufleet.servers.running.health",
              this,
              m ->
                  m.servers().stream()
                      .filter(
                          s ->
                              s.getStatus() == ServerStatus.RUNNING
                                  && s.getHealth().state() == health)
                      .count())
          .tag("health", health.name())
          .register(registry);
    }
    Gauge.builder("gpufleet.queue.depth", this, m -> m.generations().queueDepth())
        .description("Generations waiting for a server")
        .register(registry);
    Gauge.builder("gpufleet.generations.running", this, m -> m.generations().running())
        .register(registry);
  }

  private GenerationFigures generations() {
    return figures.getIfAvailable(() -> GenerationFigures.NONE);
  }

  private List<Server> servers() {
    Snapshot current = snapshot.get();
    Instant now = Instant.now();
    if (current == null || current.at().plus(FRESH).isBefore(now)) {
      current = new Snapshot(now, servers.findAll());
      snapshot.set(current);
    }
    return current.servers();
  }

  private record Snapshot(Instant at, List<Server> servers) {}
}
