package io.gpufleet.vast;

import java.time.Duration;

/**
 * The endpoints this client calls, each with the minimum interval Vast documents between two calls
 * (per endpoint and key). The client keeps that spacing itself instead of provoking 429s.
 */
public enum Endpoint {
  /** 10 calls per minute per IP. */
  SEARCH_OFFERS(Duration.ofSeconds(6)),
  RENT(Duration.ofMillis(4500)),
  SHOW_INSTANCE(Duration.ofSeconds(2)),
  LIST_INSTANCES(Duration.ofSeconds(1)),
  /** start, stop, label. */
  MANAGE_INSTANCE(Duration.ofSeconds(1)),
  /** reboot, recycle. */
  REBOOT_INSTANCE(Duration.ofSeconds(1)),
  DESTROY_INSTANCE(Duration.ofSeconds(3)),
  ATTACH_SSH_KEY(Duration.ofSeconds(1)),
  REQUEST_LOGS(Duration.ofMillis(1500)),
  CURRENT_USER(Duration.ofSeconds(1));

  private final Duration documentedMinInterval;

  Endpoint(Duration documentedMinInterval) {
    this.documentedMinInterval = documentedMinInterval;
  }

  public Duration documentedMinInterval() {
    return documentedMinInterval;
  }
}
