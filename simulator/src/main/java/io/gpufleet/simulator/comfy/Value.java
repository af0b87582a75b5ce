package io.gpufleet.simulator.comfy;

import org.jspecify.annotations.Nullable;

/**
 * What flows along a link while the simulator executes a prompt: the sizes ComfyUI's tensors would
 * have and a recipe for their pixels, never the tensors themselves.
 */
sealed interface Value {

  /** A batch of {@code batch} images of width x height pixels. */
  record Image(int width, int height, int batch, Picture picture) implements Value {
    public Image {
      width = Math.max(1, width);
      height = Math.max(1, height);
      batch = Math.max(1, batch);
    }
  }

  /** A batch of masks; only the size matters to the simulator. */
  record Mask(int width, int height, int batch) implements Value {}

  /**
   * Latents in latent units (1/8 of the pixels). {@code frames} is above 1 for video latents,
   * {@code seconds} above 0 for audio latents; {@code picture} is what decoding shows, null for an
   * empty latent (noise).
   */
  record Latent(
      int width, int height, int frames, int batch, @Nullable Picture picture, double seconds)
      implements Value {
    public Latent {
      width = Math.max(1, width);
      height = Math.max(1, height);
      frames = Math.max(1, frames);
      batch = Math.max(1, batch);
    }

    Latent withPicture(@Nullable Picture p) {
      return new Latent(width, height, frames, batch, p, seconds);
    }

    Latent withSize(int w, int h) {
      return new Latent(w, h, frames, batch, picture, seconds);
    }

    Latent withBatch(int b) {
      return new Latent(width, height, frames, b, picture, seconds);
    }
  }

  /** A batch of sound clips. */
  record Audio(double seconds, int sampleRate, int channels, int batch) implements Value {}

  /** Frames, their rate and an optional sound track. */
  record Video(Image frames, double fps, @Nullable Audio audio) implements Value {}

  /** A model, a text encoding, a control net...: its type and, for loaders, the file name. */
  record Opaque(String type, String detail) implements Value {}

  /** A number output (GetVideoComponents' fps). */
  record Number(double value) implements Value {}
}
