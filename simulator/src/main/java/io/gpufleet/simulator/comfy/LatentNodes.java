package io.gpufleet.simulator.comfy;

import io.gpufleet.simulator.comfy.NodeBehaviour.Executed;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Latent and sampling nodes: the sizes ComfyUI's latents take (1/8 of the pixels; video latents in
 * groups of 4 frames; audio latents 2048 samples at 44.1 kHz per step) and the sampling steps the
 * runner spends at the server's speed.
 */
final class LatentNodes {
  private LatentNodes() {}

  static void register(Map<String, NodeBehaviour> nodes) {
    nodes.put(
        "EmptyLatentImage",
        (in, run) ->
            Executed.of(
                new Value.Latent(
                    in.integer("width") / 8,
                    in.integer("height") / 8,
                    1,
                    in.integer("batch_size"),
                    null,
                    0)));
    nodes.put(
        "EmptyHunyuanLatentVideo",
        (in, run) ->
            Executed.of(
                new Value.Latent(
                    in.integer("width") / 8,
                    in.integer("height") / 8,
                    (in.integer("length") - 1) / 4 + 1,
                    in.integer("batch_size"),
                    null,
                    0)));
    nodes.put("VAEEncode", (in, run) -> Executed.of(encode(in.image("pixels"))));
    nodes.put("VAEEncodeForInpaint", (in, run) -> Executed.of(encode(in.image("pixels"))));
    nodes.put(
        "InpaintModelConditioning",
        (in, run) ->
            Executed.of(
                new Value.Opaque("CONDITIONING", ""),
                new Value.Opaque("CONDITIONING", ""),
                encode(in.image("pixels"))));
    nodes.put("VAEDecode", LatentNodes::decode);
    nodes.put("SetLatentNoiseMask", (in, run) -> Executed.of(in.latent("samples")));
    nodes.put("LatentUpscale", LatentNodes::upscale);
    nodes.put(
        "LatentUpscaleBy",
        (in, run) -> {
          Value.Latent l = in.latent("samples");
          double by = in.decimal("scale_by");
          return Executed.of(
              l.withSize((int) Math.rint(l.width() * by), (int) Math.rint(l.height() * by)));
        });
    nodes.put(
        "LatentCrop",
        (in, run) -> {
          Value.Latent l = in.latent("samples");
          int x = Math.min(in.integer("x") / 8, l.width() - 8);
          int y = Math.min(in.integer("y") / 8, l.height() - 8);
          x = Math.max(0, x);
          y = Math.max(0, y);
          int w = Math.min(in.integer("width") / 8, l.width() - x);
          int h = Math.min(in.integer("height") / 8, l.height() - y);
          Picture p = l.picture();
          Picture cropped =
              p == null
                  ? null
                  : p.cropped(l.width() * 8, l.height() * 8, x * 8, y * 8, w * 8, h * 8);
          return Executed.of(l.withSize(w, h).withPicture(cropped));
        });
    nodes.put(
        "RepeatLatentBatch",
        (in, run) -> {
          Value.Latent l = in.latent("samples");
          return Executed.of(l.withBatch(l.batch() * in.integer("amount")));
        });
    nodes.put(
        "LatentFromBatch",
        (in, run) -> {
          Value.Latent l = in.latent("samples");
          int index = Math.min(l.batch() - 1, in.integer("batch_index"));
          int length = Math.min(l.batch() - index, in.integer("length"));
          Picture p = l.picture();
          return Executed.of(l.withBatch(length).withPicture(p == null ? null : p.from(index)));
        });
    nodes.put(
        "LatentBatch",
        (in, run) -> {
          Value.Latent a = in.latent("samples1");
          Value.Latent b = in.latent("samples2");
          Picture p = null;
          if (a.picture() != null || b.picture() != null) {
            p =
                Picture.concat(
                    orGenerated(a.picture(), run.fingerprint() + "#1"),
                    a.batch(),
                    orGenerated(b.picture(), run.fingerprint() + "#2"));
          }
          return Executed.of(a.withBatch(a.batch() + b.batch()).withPicture(p));
        });
    nodes.put("KSampler", LatentNodes::sample);
    nodes.put("KSamplerAdvanced", LatentNodes::sampleAdvanced);
    nodes.put(
        "EmptyLatentAudio",
        (in, run) -> {
          long length = Math.round(Math.rint(in.decimal("seconds") * 44100 / 2048 / 2)) * 2;
          return Executed.of(
              new Value.Latent(
                  (int) length, 1, 1, in.integer("batch_size"), null, length * 2048 / 44100.0));
        });
    nodes.put(
        "VAEEncodeAudio",
        (in, run) -> {
          Value.Audio a = in.audio("audio");
          int length = (int) Math.max(1, Math.round(a.seconds() * 44100 / 2048));
          return Executed.of(new Value.Latent(length, 1, 1, a.batch(), null, a.seconds()));
        });
    nodes.put(
        "VAEDecodeAudio",
        (in, run) -> {
          Value.Latent l = in.latent("samples");
          double seconds = l.seconds() > 0 ? l.seconds() : l.width() * 2048 / 44100.0;
          return Executed.of(new Value.Audio(seconds, 44100, 2, l.batch()));
        });
  }

  private static Value.Latent encode(Value.Image pixels) {
    return new Value.Latent(
        pixels.width() / 8, pixels.height() / 8, 1, pixels.batch(), pixels.picture(), 0);
  }

  /** 8 times the latent's size; a video latent of t frames decodes to 4(t-1)+1 images. */
  private static Executed decode(NodeInputs in, NodeBehaviour.NodeRun run) {
    Value.Latent l = in.latent("samples");
    int frames = l.frames() > 1 ? (l.frames() - 1) * 4 + 1 : 1;
    return Executed.of(
        new Value.Image(
            l.width() * 8,
            l.height() * 8,
            l.batch() * frames,
            orGenerated(l.picture(), run.fingerprint())));
  }

  /** ComfyUI's LatentUpscale: 0 keeps the aspect ratio, sizes under 64 px become 64. */
  private static Executed upscale(NodeInputs in, NodeBehaviour.NodeRun run) {
    Value.Latent l = in.latent("samples");
    int width = in.integer("width");
    int height = in.integer("height");
    if (width == 0 && height == 0) {
      return Executed.of(l);
    }
    if (width == 0) {
      height = Math.max(64, height);
      width = Math.max(64, (int) Math.rint((double) l.width() * height / l.height()));
    } else if (height == 0) {
      width = Math.max(64, width);
      height = Math.max(64, (int) Math.rint((double) l.height() * width / l.width()));
    } else {
      width = Math.max(64, width);
      height = Math.max(64, height);
    }
    return Executed.of(l.withSize(width / 8, height / 8));
  }

  /**
   * KSampler runs all of its steps whatever the denoise (ComfyUI stretches the schedule instead);
   * only a denoise of 0 runs none. Below 1 the result keeps some of an encoded image.
   */
  private static Executed sample(NodeInputs in, NodeBehaviour.NodeRun run) {
    Value.Latent l = in.latent("latent_image");
    double denoise = in.decimal("denoise");
    if (denoise <= 0) {
      return new Executed(List.of(l), null, 0);
    }
    return new Executed(List.of(sampled(l, run, denoise)), null, in.integer("steps"));
  }

  /** KSamplerAdvanced runs from start_at_step to end_at_step (at most steps). */
  private static Executed sampleAdvanced(NodeInputs in, NodeBehaviour.NodeRun run) {
    Value.Latent l = in.latent("latent_image");
    int steps = Math.max(1, in.integer("steps"));
    int start = in.integer("start_at_step");
    int last = Math.min(in.integer("end_at_step"), steps);
    int count = start < last ? last - start : 0;
    if (count == 0) {
      return new Executed(List.of(l), null, 0);
    }
    return new Executed(List.of(sampled(l, run, count / (double) steps)), null, count);
  }

  private static Value.Latent sampled(Value.Latent l, NodeBehaviour.NodeRun run, double amount) {
    Picture fresh = Picture.generated(run.fingerprint());
    Picture source = l.picture();
    return l.withPicture(
        source != null && amount < 1 ? Picture.blend(source, fresh, amount) : fresh);
  }

  static Picture orGenerated(@Nullable Picture p, String fingerprint) {
    return p != null ? p : Picture.generated(fingerprint);
  }
}
