package io.gpufleet.simulator.comfy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A recipe for the pixels of an image batch, rendered only when a node saves or sends it. A picture
 * renders frame {@code index} at any size asked for, so scaling nodes change only the size they
 * ask; crops, pads and inversions wrap the picture they change.
 */
@FunctionalInterface
interface Picture {

  BufferedImage frame(int index, int width, int height);

  /** The simulator's own deterministic art for {@code fingerprint} (a seed and the inputs). */
  static Picture generated(String fingerprint) {
    return (index, width, height) -> ImageRenderer.render(fingerprint + "/" + index, width, height);
  }

  /** Decoded frames of an uploaded file, stretched to the size asked for. */
  static Picture loaded(List<BufferedImage> frames) {
    List<BufferedImage> copy = List.copyOf(frames);
    return (index, width, height) -> scaled(copy.get(index % copy.size()), width, height);
  }

  static Picture solid(int rgb) {
    return (index, width, height) -> {
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(rgb));
      g.fillRect(0, 0, width, height);
      g.dispose();
      return img;
    };
  }

  /** {@code amount} of {@code over} on top of {@code base}: a partial denoise of an image. */
  static Picture blend(Picture base, Picture over, double amount) {
    double a = Math.max(0, Math.min(1, amount));
    return (index, width, height) -> {
      BufferedImage bottom = base.frame(index, width, height);
      BufferedImage top = over.frame(index, width, height);
      BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int p = bottom.getRGB(x, y);
          int q = top.getRGB(x, y);
          int r = mix(p >> 16 & 0xff, q >> 16 & 0xff, a);
          int g = mix(p >> 8 & 0xff, q >> 8 & 0xff, a);
          int b = mix(p & 0xff, q & 0xff, a);
          out.setRGB(x, y, r << 16 | g << 8 | b);
        }
      }
      return out;
    };
  }

  /** The frames of {@code first} (a batch of {@code firstBatch}), then those of {@code second}. */
  static Picture concat(Picture first, int firstBatch, Picture second) {
    return (index, width, height) ->
        index < firstBatch
            ? first.frame(index, width, height)
            : second.frame(index - firstBatch, width, height);
  }

  /** Frames from {@code offset} on. */
  default Picture from(int offset) {
    return (index, width, height) -> frame(index + offset, width, height);
  }

  default Picture inverted() {
    return (index, width, height) -> {
      BufferedImage img = frame(index, width, height);
      BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          out.setRGB(x, y, ~img.getRGB(x, y) & 0xffffff);
        }
      }
      return out;
    };
  }

  /** The {@code w x h} region at (x, y) of this picture shown at {@code fullW x fullH}. */
  default Picture cropped(int fullW, int fullH, int x, int y, int w, int h) {
    return (index, width, height) -> {
      BufferedImage full = frame(index, fullW, fullH);
      BufferedImage region = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = region.createGraphics();
      g.drawImage(full, -x, -y, null);
      g.dispose();
      return scaled(region, width, height);
    };
  }

  /** This picture at {@code innerW x innerH} on a grey canvas, {@code left}/{@code top} in. */
  default Picture padded(int innerW, int innerH, int left, int top, int fullW, int fullH) {
    return (index, width, height) -> {
      BufferedImage canvas = new BufferedImage(fullW, fullH, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = canvas.createGraphics();
      g.setColor(new Color(127, 127, 127));
      g.fillRect(0, 0, fullW, fullH);
      g.drawImage(frame(index, innerW, innerH), left, top, null);
      g.dispose();
      return scaled(canvas, width, height);
    };
  }

  private static int mix(int a, int b, double amount) {
    return (int) Math.round(a * (1 - amount) + b * amount);
  }

  static BufferedImage scaled(BufferedImage img, int width, int height) {
    if (img.getWidth() == width
        && img.getHeight() == height
        && img.getType() == BufferedImage.TYPE_INT_RGB) {
      return img;
    }
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, width, height, null);
    g.dispose();
    return out;
  }
}
