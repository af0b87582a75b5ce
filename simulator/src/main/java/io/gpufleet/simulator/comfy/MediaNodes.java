package io.gpufleet.simulator.comfy;

import io.gpufleet.simulator.comfy.NodeBehaviour.Executed;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Audio and video nodes: clips, their lengths and frame rates. */
final class MediaNodes {
  private MediaNodes() {}

  static void register(Map<String, NodeBehaviour> nodes) {
    nodes.put(
        "EmptyAudio",
        (in, run) ->
            Executed.of(
                new Value.Audio(
                    in.decimal("duration"), in.integer("sample_rate"), in.integer("channels"), 1)));
    nodes.put(
        "LoadAudio",
        (in, run) -> {
          Path path = existing(run, in.string("audio"));
          Value.Audio audio = describe(path);
          return Executed.of(audio != null ? audio : new Value.Audio(1.0, 44100, 2, 1));
        });
    nodes.put(
        "LoadVideo",
        (in, run) -> {
          existing(run, in.string("file"));
          // The container is not parsed: a 1 s clip of the simulator's pictures stands for it.
          Value.Image frames = new Value.Image(512, 512, 24, Picture.generated(run.fingerprint()));
          return Executed.of(new Value.Video(frames, 24.0, null));
        });
    nodes.put(
        "CreateVideo",
        (in, run) -> {
          Value audio = in.optional("audio");
          return Executed.of(
              new Value.Video(
                  in.image("images"),
                  in.decimal("fps"),
                  audio instanceof Value.Audio ? (Value.Audio) audio : null));
        });
    nodes.put(
        "GetVideoComponents",
        (in, run) -> {
          Value.Video v = in.video("video");
          Value.Audio audio =
              v.audio() != null
                  ? v.audio()
                  : new Value.Audio(v.frames().batch() / Math.max(0.01, v.fps()), 44100, 2, 1);
          return Executed.of(v.frames(), audio, new Value.Number(v.fps()));
        });
    nodes.put(
        "UpscaleModelLoader",
        (in, run) -> {
          String name = in.string("model_name");
          // A V3 combo: ComfyUI 0.3.64 checks the name only when the node runs.
          if (!run.hasModel("upscale_models", name)) {
            throw NodeBehaviour.NodeFailure.missingModel("upscale_models", name);
          }
          return Executed.of(new Value.Opaque("UPSCALE_MODEL", name));
        });
  }

  private static Path existing(NodeBehaviour.NodeRun run, String name) {
    Path path = run.files().annotated(name);
    if (path == null || !Files.isRegularFile(path)) {
      throw NodeBehaviour.NodeFailure.missingFile(path == null ? Path.of(name) : path);
    }
    return path;
  }

  /** Length, rate and channels of a WAV or FLAC file; null for other formats. */
  static Value.@Nullable Audio describe(Path path) {
    byte[] head = new byte[64 * 1024];
    int n;
    try (InputStream in = Files.newInputStream(path)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(head, 0, n);
    if (n >= 42 && head[0] == 'f' && head[1] == 'L' && head[2] == 'a' && head[3] == 'C') {
      // STREAMINFO: 20 bits rate, 3 bits channels-1, 5 bits bits-1, 36 bits total samples.
      long bits = b.order(ByteOrder.BIG_ENDIAN).getLong(18);
      int rate = (int) (bits >>> 44);
      int channels = (int) (bits >>> 41 & 0x7) + 1;
      long samples = bits & 0xFFFFFFFFFL;
      return rate > 0 ? new Value.Audio(samples / (double) rate, rate, channels, 1) : null;
    }
    if (n >= 12 && head[0] == 'R' && head[1] == 'I' && head[8] == 'W' && head[9] == 'A') {
      b.order(ByteOrder.LITTLE_ENDIAN);
      int at = 12;
      int channels = 0;
      int rate = 0;
      int blockAlign = 0;
      while (at + 8 <= n) {
        String id = new String(head, at, 4, java.nio.charset.StandardCharsets.US_ASCII);
        int size = b.getInt(at + 4);
        if ("fmt ".equals(id) && at + 22 <= n) {
          channels = b.getShort(at + 10);
          rate = b.getInt(at + 12);
          blockAlign = b.getShort(at + 20);
        } else if ("data".equals(id) && rate > 0 && blockAlign > 0) {
          return new Value.Audio(
              (size & 0xFFFFFFFFL) / (double) blockAlign / rate, rate, channels, 1);
        }
        if (size < 0) {
          break;
        }
        at += 8 + size + (size & 1);
      }
    }
    return null;
  }
}
