package io.gpufleet.scheduler.schedules;

import java.util.UUID;

/** A schedule was put for a server that does not exist or has been destroyed. */
public final class UnknownServerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final UUID serverId;

  public UnknownServerException(UUID serverId) {
    super("There is no server " + serverId);
    this.serverId = serverId;
  }

  public UUID serverId() {
    return serverId;
  }
}
