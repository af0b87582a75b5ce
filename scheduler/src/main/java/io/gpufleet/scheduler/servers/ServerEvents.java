package io.gpufleet.scheduler.servers;

import io.gpufleet.persistence.servers.ServerStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** What happens to servers, published as Spring events inside the transaction that did it. */
public final class ServerEvents {

  private ServerEvents() {}

  /**
   * A server moved from one state to another.
   *
   * @param pricePerHour what it costs from now on, for cost accounting
   */
  public record ServerStateChanged(
      UUID serverId,
      ServerStatus from,
      ServerStatus to,
      @Nullable String reason,
      @Nullable BigDecimal pricePerHour,
      Instant at) {}

  /** A server's machine runs and can be reached over SSH and HTTP. */
  public record ServerBecameRunning(UUID serverId, boolean needsSetup, Instant at) {}
}
