package io.gpufleet.scheduler.accounting;

import io.gpufleet.persistence.accounting.BillingInterval;
import io.gpufleet.persistence.accounting.BillingIntervalRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.servers.ServerEvents.ServerStateChanged;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps one billing interval open per billed server, in the same transaction as its state change.
 * Vast.ai bills a GPU from the moment it runs until it is stopped (loading is not billed); what a
 * stopped server's disk costs is not reported per instance, so stopped time is not billed here.
 */
@Component
class BillingRecorder {

  static final Set<ServerStatus> BILLED = EnumSet.of(ServerStatus.RUNNING, ServerStatus.STOPPING);

  private final BillingIntervalRepository intervals;

  BillingRecorder(BillingIntervalRepository intervals) {
    this.intervals = intervals;
  }

  @EventListener
  void on(ServerStateChanged change) {
    boolean wasBilled = BILLED.contains(change.from());
    boolean isBilled = BILLED.contains(change.to());
    if (wasBilled && isBilled) {
      return; // RUNNING -> STOPPING: the same GPU at the same rate
    }
    intervals
        .findByServerIdAndEndedAtIsNull(change.serverId())
        .ifPresent(
            open -> {
              open.end(change.at());
              // flushed now: the new interval may not be inserted while this one is still open
              intervals.saveAndFlush(open);
            });
    if (isBilled) {
      BigDecimal price = change.pricePerHour() == null ? BigDecimal.ZERO : change.pricePerHour();
      intervals.save(new BillingInterval(change.serverId(), "RUNNING", price, change.at()));
    }
  }
}
