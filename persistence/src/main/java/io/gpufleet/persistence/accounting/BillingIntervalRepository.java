package io.gpufleet.persistence.accounting;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface BillingIntervalRepository extends JpaRepository<BillingInterval, UUID> {

  Optional<BillingInterval> findByServerIdAndEndedAtIsNull(UUID serverId);

  /** Every interval that touches {@code [from, to)}. */
  @Query(
      "select b from BillingInterval b where b.startedAt < ?2 and (b.endedAt is null or b.endedAt > ?1)")
  List<BillingInterval> findOverlapping(Instant from, Instant to);

  List<BillingInterval> findByEndedAtIsNull();
}
