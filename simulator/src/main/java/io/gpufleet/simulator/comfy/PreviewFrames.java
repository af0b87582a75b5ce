package io.gpufleet.simulator.comfy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Binary preview frames: type 1 (format 1 = JPEG) and type 4 (length-prefixed JSON metadata). */
final class PreviewFrames {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private PreviewFrames() {}

  static byte[] classic(byte[] jpeg) {
    return ByteBuffer.allocate(8 + jpeg.length).putInt(1).putInt(1).put(jpeg).array();
  }

  static byte[] withMetadata(byte[] jpeg, ObjectNode metadata) {
    byte[] meta =
        MAPPER
            .writeValueAsString(metadata.put("image_type", "image/jpeg"))
            .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + meta.length + jpeg.length)
        .putInt(4)
        .putInt(meta.length)
        .put(meta)
        .put(jpeg)
        .array();
  }
}
