package io.gpufleet.api.dispatch;

import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * This replica's identity in the pipeline: it names the ComfyUI client id we listen on, so ComfyUI
 * sends a prompt's events to the replica that dispatched it.
 */
@Component
class Replica {

  private final String id = "gpufleet-" + UUID.randomUUID().toString().replace("-", "");

  String id() {
    return id;
  }
}
