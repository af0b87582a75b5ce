package io.gpufleet.api.comfy;

import tools.jackson.databind.node.ObjectNode;

/** A request refused with ComfyUI's own body ({@code {error, node_errors}}) and status. */
final class ComfyRefusal extends RuntimeException {

  private final int status;
  private final transient ObjectNode body;

  ComfyRefusal(int status, ObjectNode body) {
    super(body.path("error").path("message").asString("refused"), null, false, false);
    this.status = status;
    this.body = body;
  }

  int status() {
    return status;
  }

  ObjectNode body() {
    return body;
  }
}
