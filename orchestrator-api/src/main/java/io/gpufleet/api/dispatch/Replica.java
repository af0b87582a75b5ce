package io.gpufleet.api.dispatch;

import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * This replica's identity in the pipeline: it names the ComfyUI client id we listen on, so ComfyUI
 * sends a prompt's events to the replica that dispatched it.
 */
@Component
class Replica {

  private static final Logger log = LoggerFactory.getLogger(Replica.class);

  private final String id = "gpufleet-" + UUID.randomUUID().toString().replace("-", "");

  Replica() {
    // the value of generations.dispatched_by: with several replicas, it tells from the log which
    // process a generation's attempt belongs to (and the multi-replica suite relies on it)
    log.info("This replica is {}", id);
  }

  String id() {
    return id;
  }
}
