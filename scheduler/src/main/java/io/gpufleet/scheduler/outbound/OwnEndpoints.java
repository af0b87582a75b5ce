package io.gpufleet.scheduler.outbound;

import java.net.InetAddress;

/**
 * Endpoints of the platform's own that a denied range holds: the sandbox's simulators on loopback.
 * Production has none.
 */
@FunctionalInterface
public interface OwnEndpoints {

  OwnEndpoints NONE = (address, port) -> false;

  boolean owns(InetAddress address, int port);
}
