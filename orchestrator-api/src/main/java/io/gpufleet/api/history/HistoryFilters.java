package io.gpufleet.api.history;

import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.generations.Generation;
import io.gpufleet.persistence.generations.GenerationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.jpa.domain.Specification;

/** The list's filters, the caller's rows only unless an admin asks. */
record HistoryFilters(
    @Nullable GenerationStatus status,
    @Nullable UUID workflowId,
    @Nullable UUID sessionId,
    @Nullable UUID serverId,
    @Nullable Instant from,
    @Nullable Instant to) {

  Specification<Generation> of(AuthenticatedUser user) {
    List<Specification<Generation>> filters = new ArrayList<>();
    if (!user.isAdmin()) {
      filters.add((r, q, cb) -> cb.equal(r.get("userId"), user.id()));
    }
    if (status != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("status"), status));
    }
    if (workflowId != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("request").get("workflowId"), workflowId));
    }
    if (sessionId != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("request").get("sessionId"), sessionId));
    }
    if (serverId != null) {
      filters.add((r, q, cb) -> cb.equal(r.get("attempt").get("serverId"), serverId));
    }
    if (from != null) {
      filters.add((r, q, cb) -> cb.greaterThanOrEqualTo(r.get("timings").get("createdAt"), from));
    }
    if (to != null) {
      filters.add((r, q, cb) -> cb.lessThan(r.get("timings").get("createdAt"), to));
    }
    return Specification.allOf(filters);
  }
}
