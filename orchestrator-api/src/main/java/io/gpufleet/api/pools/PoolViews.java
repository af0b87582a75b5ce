package io.gpufleet.api.pools;

import io.gpufleet.persistence.pools.AutoscaleDecision;
import io.gpufleet.persistence.pools.Pool;
import io.gpufleet.persistence.pools.PoolLimits;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the pools API reads and writes. Durations are ISO 8601 ({@code PT2M}). */
final class PoolViews {

  private PoolViews() {}

  static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,79}";
  static final String NAME_MESSAGE = "must be 1 to 80 letters, digits or . _ -";

  /**
   * A pool to create. The spec is what {@code POST /api/v1/servers} takes; absent limits take the
   * defaults: a p95 wait of 2 min, idle stop after 10 min, stopped servers kept, 30 s per job.
   */
  record CreatePool(
      @NotBlank @Pattern(regexp = NAME_PATTERN, message = NAME_MESSAGE) String name,
      @Nullable Boolean enabled,
      @Nullable
          @Pattern(
              regexp = "[a-z][a-z0-9-]{1,31}",
              message = "must be a provider name such as vast")
          String provider,
      @Nullable @Size(max = 64) String gpu,
      @Nullable @Min(1) @Max(8) Integer gpuCount,
      @Nullable @Min(1) @Max(256) Integer cpuCores,
      @Nullable @Min(1) @Max(2048) Integer ram,
      @Nullable @Min(10) @Max(4096) Integer disk,
      @Nullable @Size(max = 64) String location,
      @Nullable @DecimalMin("0.01") @DecimalMax("200") BigDecimal maxPricePerHour,
      @Nullable @DecimalMin("0") @DecimalMax("1") BigDecimal minReliability,
      @Nullable @Size(max = 255) String image,
      @Nullable UUID setupScriptId,
      @Nullable @Size(max = 100) List<@NotNull UUID> workflowIds,
      @Nullable @Size(max = 100) List<@NotNull UUID> serverIds,
      @NotNull @Min(0) @Max(100) Integer minServers,
      @NotNull @Min(0) @Max(100) Integer maxServers,
      @Nullable Duration targetWait,
      @Nullable Duration idleStopAfter,
      @Nullable Duration destroyStoppedAfter,
      @Nullable Duration defaultJobTime,
      @Nullable @Size(max = 64) String timezone) {}

  /**
   * Only the fields present change; {@code serverIds} replaces the members; a {@code
   * destroyStoppedAfter} of {@code PT0S} keeps stopped servers again.
   */
  record UpdatePool(
      @Nullable @Pattern(regexp = NAME_PATTERN, message = NAME_MESSAGE) String name,
      @Nullable Boolean enabled,
      @Nullable @Size(max = 64) String gpu,
      @Nullable @Min(1) @Max(8) Integer gpuCount,
      @Nullable @Min(1) @Max(256) Integer cpuCores,
      @Nullable @Min(1) @Max(2048) Integer ram,
      @Nullable @Min(10) @Max(4096) Integer disk,
      @Nullable @Size(max = 64) String location,
      @Nullable @DecimalMin("0.01") @DecimalMax("200") BigDecimal maxPricePerHour,
      @Nullable @DecimalMin("0") @DecimalMax("1") BigDecimal minReliability,
      @Nullable @Size(max = 255) String image,
      @Nullable UUID setupScriptId,
      @Nullable @Size(max = 100) List<@NotNull UUID> workflowIds,
      @Nullable @Size(max = 100) List<@NotNull UUID> serverIds,
      @Nullable @Min(0) @Max(100) Integer minServers,
      @Nullable @Min(0) @Max(100) Integer maxServers,
      @Nullable Duration targetWait,
      @Nullable Duration idleStopAfter,
      @Nullable Duration destroyStoppedAfter,
      @Nullable Duration defaultJobTime,
      @Nullable @Size(max = 64) String timezone) {}

  record Spec(
      String provider,
      @Nullable String gpu,
      int gpuCount,
      @Nullable Integer cpuCores,
      @Nullable Integer ram,
      int disk,
      @Nullable String location,
      @Nullable BigDecimal maxPricePerHour,
      @Nullable BigDecimal minReliability,
      @Nullable String image) {}

  /** One of the pool's servers, as its list shows it. */
  record Member(UUID id, String name, ServerStatus status, boolean draining, boolean ready) {
    static Member of(Server s) {
      return new Member(
          s.getId(), s.getName(), s.getStatus(), s.getDrain().active(), s.isRoutable());
    }
  }

  record PoolView(
      UUID id,
      String name,
      boolean enabled,
      Spec spec,
      @Nullable UUID setupScriptId,
      List<UUID> workflowIds,
      List<Member> servers,
      int minServers,
      int maxServers,
      String targetWait,
      String idleStopAfter,
      @Nullable String destroyStoppedAfter,
      String defaultJobTime,
      String timezone,
      @Nullable Instant lastRunAt,
      @Nullable String lastSummary,
      Instant createdAt,
      Instant updatedAt) {

    static PoolView of(Pool p, List<Server> members) {
      PoolLimits limits = p.getLimits();
      return new PoolView(
          p.getId(),
          p.getName(),
          p.isEnabled(),
          new Spec(
              p.getProvider(),
              p.getSpec().gpu(),
              p.getSpec().gpuCount(),
              p.getSpec().cpuCores(),
              p.getSpec().ramGb(),
              p.getSpec().diskGb(),
              p.getSpec().location(),
              p.getSpec().maxPricePerHour(),
              p.getSpec().minReliability(),
              p.getSpec().image()),
          p.getSetupScriptId(),
          p.getWorkflowIds().stream().sorted().toList(),
          members.stream().map(Member::of).toList(),
          limits.minServers(),
          limits.maxServers(),
          limits.targetWait().toString(),
          limits.idleStopAfter().toString(),
          limits.destroyStoppedAfter() == null ? null : limits.destroyStoppedAfter().toString(),
          limits.defaultJobTime().toString(),
          p.getTimezone().getId(),
          p.getLastRunAt(),
          p.getLastSummary(),
          p.getCreatedAt(),
          p.getUpdatedAt());
    }
  }

  /** One logged decision: what, on which server, why, and what came of it. */
  record DecisionView(
      UUID id,
      Instant decidedAt,
      String action,
      @Nullable UUID serverId,
      String reason,
      AutoscaleDecision.Outcome outcome,
      @Nullable String error) {

    static DecisionView of(AutoscaleDecision d) {
      return new DecisionView(
          d.getId(),
          d.getDecidedAt(),
          d.getAction(),
          d.getServerId(),
          d.getReason(),
          d.getOutcome(),
          d.getError());
    }
  }
}
