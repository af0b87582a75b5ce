package io.gpufleet.persistence.pools;

import java.time.Instant;
import java.util.UUID;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface AutoscaleDecisionRepository extends JpaRepository<AutoscaleDecision, UUID> {

  /** Newest first (the page's sort is ignored: the order is the log's). */
  @Query(
      value = "select d from AutoscaleDecision d where d.poolId = ?1 order by d.seq desc",
      countQuery = "select count(d) from AutoscaleDecision d where d.poolId = ?1")
  Page<AutoscaleDecision> findByPool(UUID poolId, Pageable page);

  @Modifying
  @Query("delete from AutoscaleDecision d where d.decidedAt < ?1")
  int deleteOlderThan(Instant before);
}
