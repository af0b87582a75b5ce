package io.gpufleet.api.servers;

import io.gpufleet.persistence.servers.Capacity;
import io.gpufleet.persistence.servers.HealthState;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerStatus;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What the servers API reads and writes (seed 001's field names). */
final class ServerViews {

  private ServerViews() {}

  static final String NAME_PATTERN = "[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}";

  /**
   * A server to create on Vast.ai, from a spec (the best matching offer is rented) or an offer id.
   */
  record CreateServer(
      @NotBlank
          @Pattern(
              regexp = NAME_PATTERN,
              message = "must be 1 to 100 letters, digits, spaces or . _ -")
          String name,
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
      @Nullable @Positive Long offerId,
      @Nullable @Size(max = 255) String image,
      @Nullable UUID setupScriptId,
      @Nullable Boolean autoSetup,
      @Nullable @Min(1) @Max(10080) Integer idleStopMinutes,
      // provider "static": a ComfyUI that exists already
      @Nullable
          @Size(max = 255)
          @Pattern(regexp = "https?://.+", message = "must be an http(s) URL")
          String comfyUrl,
      @Nullable @Size(max = 4096) String token,
      // what it runs: "comfyui" (the default) or "ollama"
      @Nullable @Pattern(regexp = "comfyui|ollama", message = "must be comfyui or ollama")
          String engine,
      // engine "ollama", provider "static": an Ollama that exists already
      @Nullable
          @Size(max = 255)
          @Pattern(regexp = "https?://.+", message = "must be an http(s) URL")
          String ollamaUrl,
      @Nullable @Valid SshAccess ssh,
      @Nullable @DecimalMin("0") @DecimalMax("200") BigDecimal pricePerHour,
      @Nullable @Size(max = 4000) String startCommand,
      @Nullable @Size(max = 4000) String stopCommand) {

    @Override
    public String toString() {
      return "CreateServer[" + name + ", " + provider + "]";
    }
  }

  /** How the platform reaches a registered box over SSH (with its own key). */
  record SshAccess(
      @NotBlank @Size(max = 255) String host,
      @Nullable @Min(1) @Max(65535) Integer port,
      @Nullable @Size(max = 64) String user) {}

  /** A ComfyUI to check before it becomes a server. */
  record ConnectionTest(
      @NotBlank
          @Size(max = 255)
          @Pattern(regexp = "https?://.+", message = "must be an http(s) URL")
          String comfyUrl,
      @Nullable @Size(max = 4096) String token) {

    @Override
    public String toString() {
      return "ConnectionTest[" + comfyUrl + "]";
    }
  }

  record ConnectionResult(
      boolean reachable,
      String comfyuiVersion,
      @Nullable String gpu,
      @Nullable Long vramTotalMb,
      @Nullable Long vramFreeMb,
      long latencyMs) {}

  /** Only the fields present change. */
  record UpdateServer(
      @Nullable
          @Pattern(
              regexp = NAME_PATTERN,
              message = "must be 1 to 100 letters, digits, spaces or . _ -")
          String name,
      @Nullable @Min(0) @Max(10080) Integer idleStopMinutes,
      @Nullable UUID setupScriptId,
      @Nullable Boolean autoSetup,
      @Nullable @Min(1) @Max(Capacity.MAX) Integer slots,
      @Nullable @Min(0) @Max(Capacity.MAX) Integer prefetch) {}

  record ServerView(
      UUID id,
      String name,
      String provider,
      ServerStatus status,
      @Nullable String statusReason,
      String desiredState,
      HealthState health,
      boolean setUp,
      boolean draining,
      @Nullable String gpu,
      int gpuCount,
      @Nullable BigDecimal pricePerHour,
      @Nullable String vastId,
      @Nullable Long offerId,
      @Nullable String comfyUrl,
      String engine,
      @Nullable String ollamaUrl,
      @Nullable Ssh ssh,
      boolean hasToken,
      boolean canStartStop,
      Spec spec,
      HealthDetail healthDetail,
      @Nullable UUID setupScriptId,
      boolean autoSetup,
      @Nullable Integer idleStopMinutes,
      @Nullable Instant lastActivityAt,
      int slots,
      @Nullable Integer prefetch,
      Instant stateChangedAt,
      Instant createdAt,
      Instant updatedAt) {

    static ServerView of(Server s, boolean canStartStop) {
      return new ServerView(
          s.getId(),
          s.getName(),
          s.getProvider(),
          s.getStatus(),
          s.getStatusReason(),
          s.getDesiredState().name(),
          s.getHealth().state(),
          s.getSetup().done(),
          s.getDrain().active(),
          s.getLease().gpuName() != null ? s.getLease().gpuName() : s.getSpec().gpu(),
          s.getSpec().gpuCount(),
          s.getLease().pricePerHour(),
          s.getLease().instanceId(),
          s.getLease().offerId(),
          s.getAddresses().comfyUrl(),
          s.getEngine().id(),
          s.getAddresses().ollamaUrl(),
          s.getAddresses().sshHost() == null
              ? null
              : new Ssh(
                  s.getAddresses().sshHost(), s.getAddresses().sshPort(), s.getAccess().sshUser()),
          s.getAccess().comfyTokenEncrypted() != null,
          canStartStop,
          new Spec(
              s.getSpec().gpu(),
              s.getSpec().gpuCount(),
              s.getSpec().cpuCores(),
              s.getSpec().ramGb(),
              s.getSpec().diskGb(),
              s.getSpec().location(),
              s.getSpec().maxPricePerHour(),
              s.getSpec().minReliability()),
          new HealthDetail(
              s.getHealth().latencyMs(),
              s.getHealth().queueDepth(),
              s.getLease().vramMb(),
              s.getHealth().vramFreeMb(),
              s.getHealth().error(),
              s.getHealth().checkedAt()),
          s.getSetup().scriptId(),
          s.getSetup().auto(),
          s.getIdleStop().minutes(),
          s.getIdleStop().lastActivityAt(),
          s.getCapacity().slots(),
          s.getCapacity().prefetch(),
          s.getStateChangedAt(),
          s.getCreatedAt(),
          s.getUpdatedAt());
    }
  }

  record Ssh(String host, @Nullable Integer port, @Nullable String user) {}

  record Spec(
      @Nullable String gpu,
      int gpuCount,
      @Nullable Integer cpuCores,
      @Nullable Integer ram,
      int disk,
      @Nullable String location,
      @Nullable BigDecimal maxPricePerHour,
      @Nullable BigDecimal minReliability) {}

  record HealthDetail(
      @Nullable Integer latencyMs,
      @Nullable Integer queueDepth,
      @Nullable Long vramTotalMb,
      @Nullable Long vramFreeMb,
      @Nullable String error,
      @Nullable Instant checkedAt) {}
}
