package io.gpufleet.persistence.providers;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;

public interface LlmUsageRepository extends JpaRepository<LlmUsage, UUID> {

  /** What language models cost in {@code [from, to)}. */
  @Query(
      "select coalesce(sum(u.cost), 0) from LlmUsage u where u.createdAt >= ?1 and u.createdAt < ?2")
  BigDecimal costBetween(Instant from, Instant to);

  List<LlmUsage> findByUserIdOrderByCreatedAtDesc(UUID userId);
}
