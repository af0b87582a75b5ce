package io.gpufleet.simulator.comfy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.imageio.ImageIO;

/** Deterministic pictures: a gradient with rings whose colours come from a hash of the inputs. */
final class ImageRenderer {
  private ImageRenderer() {}

  static byte[] jpegPreview(String fingerprint, int step, int steps) {
    BufferedImage img = render(fingerprint + "#" + step, 64, 64);
    return encode(img, "jpg");
  }

  static BufferedImage render(String fingerprint, int width, int height) {
    byte[] h = sha256(fingerprint);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int r0 = h[0] & 0xff, g0 = h[1] & 0xff, b0 = h[2] & 0xff;
    int r1 = h[3] & 0xff, g1 = h[4] & 0xff, b1 = h[5] & 0xff;
    double cx = (h[6] & 0xff) / 255.0 * width, cy = (h[7] & 0xff) / 255.0 * height;
    double freq = 0.02 + (h[8] & 0xff) / 2550.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        double t = (x + y) / (double) (width + height);
        double ring = 0.5 + 0.5 * Math.sin(Math.hypot(x - cx, y - cy) * freq);
        int r = (int) ((r0 * (1 - t) + r1 * t) * (0.6 + 0.4 * ring));
        int g = (int) ((g0 * (1 - t) + g1 * t) * (0.6 + 0.4 * ring));
        int b = (int) ((b0 * (1 - t) + b1 * t) * (0.6 + 0.4 * ring));
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return img;
  }

  static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
