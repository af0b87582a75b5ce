package io.gpufleet.scheduler.servers;

import java.util.UUID;

/** There is no such server (or it was destroyed and is not meant to be acted on). */
public class ServerNotFoundException extends RuntimeException {
  public ServerNotFoundException(UUID id) {
    super("There is no server " + id);
  }
}
