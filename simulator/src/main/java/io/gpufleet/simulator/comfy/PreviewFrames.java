package io.gpufleet.simulator.comfy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * ComfyUI's binary preview frames: type 1 (PREVIEW_IMAGE) with a 4-byte format, 1 JPEG or 2 PNG,
 * then the image; type 4 (PREVIEW_IMAGE_WITH_METADATA) with a length-prefixed JSON header.
 */
final class PreviewFrames {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private PreviewFrames() {}

  static byte[] classic(byte[] image, boolean png) {
    return ByteBuffer.allocate(8 + image.length).putInt(1).putInt(png ? 2 : 1).put(image).array();
  }

  static byte[] withMetadata(byte[] image, boolean png, ObjectNode metadata) {
    byte[] meta =
        MAPPER
            .writeValueAsString(
                metadata.deepCopy().put("image_type", png ? "image/png" : "image/jpeg"))
            .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + meta.length + image.length)
        .putInt(4)
        .putInt(meta.length)
        .put(meta)
        .put(image)
        .array();
  }
}
