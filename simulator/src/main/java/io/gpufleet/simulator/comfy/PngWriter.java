package io.gpufleet.simulator.comfy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * PNG files as ComfyUI's save nodes write them: 8-bit RGB, text chunks for the prompt and the
 * workflow (SaveImage), and animated PNG (acTL/fcTL/fdAT) for SaveAnimatedPNG. javax.imageio can
 * neither write APNG nor order chunks, hence our own small encoder.
 */
final class PngWriter {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private PngWriter() {}

  /** A still PNG with a tEXt chunk per entry of {@code text} (Latin-1 keys and values). */
  static byte[] still(BufferedImage image, Map<String, String> text, int compressLevel) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SIGNATURE);
    header(out, image.getWidth(), image.getHeight());
    text.forEach((k, v) -> textChunk(out, k, v));
    chunk(out, "IDAT", deflate(image, compressLevel));
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  /** An animated PNG that loops forever, each frame shown {@code delayMs}. */
  static byte[] animated(List<BufferedImage> frames, int delayMs, int compressLevel) {
    BufferedImage first = frames.get(0);
    int width = first.getWidth();
    int height = first.getHeight();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(SIGNATURE);
    header(out, width, height);
    chunk(out, "acTL", ByteBuffer.allocate(8).putInt(frames.size()).putInt(0).array());
    int sequence = 0;
    for (int i = 0; i < frames.size(); i++) {
      ByteBuffer control = ByteBuffer.allocate(26);
      control.putInt(sequence++).putInt(width).putInt(height).putInt(0).putInt(0);
      control.putShort((short) Math.max(1, Math.min(65535, delayMs))).putShort((short) 1000);
      control.put((byte) 0).put((byte) 0);
      chunk(out, "fcTL", control.array());
      byte[] data = deflate(frames.get(i), compressLevel);
      if (i == 0) {
        chunk(out, "IDAT", data);
      } else {
        chunk(
            out, "fdAT", ByteBuffer.allocate(4 + data.length).putInt(sequence++).put(data).array());
      }
    }
    chunk(out, "IEND", new byte[0]);
    return out.toByteArray();
  }

  private static void header(ByteArrayOutputStream out, int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(out, "IHDR", ihdr.array());
  }

  private static void textChunk(ByteArrayOutputStream out, String keyword, String value) {
    byte[] k = keyword.getBytes(StandardCharsets.ISO_8859_1);
    byte[] v = value.getBytes(StandardCharsets.ISO_8859_1);
    chunk(
        out,
        "tEXt",
        ByteBuffer.allocate(k.length + 1 + v.length).put(k).put((byte) 0).put(v).array());
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(t);
    out.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /** Scanlines, each with the filter that gives the smallest sum (the usual heuristic). */
  private static byte[] deflate(BufferedImage image, int level) {
    int width = image.getWidth();
    int height = image.getHeight();
    int stride = width * 3;
    byte[] raw = new byte[(stride + 1) * height];
    byte[] previous = new byte[stride];
    byte[] row = new byte[stride];
    byte[][] candidates = new byte[5][stride];
    int[] rgb = new int[width];
    for (int y = 0; y < height; y++) {
      image.getRGB(0, y, width, 1, rgb, 0, width);
      for (int x = 0; x < width; x++) {
        row[x * 3] = (byte) (rgb[x] >> 16);
        row[x * 3 + 1] = (byte) (rgb[x] >> 8);
        row[x * 3 + 2] = (byte) rgb[x];
      }
      int best = 0;
      long bestSum = Long.MAX_VALUE;
      for (int f = 0; f < 5; f++) {
        long sum = filter(f, row, previous, candidates[f]);
        if (sum < bestSum) {
          bestSum = sum;
          best = f;
        }
      }
      int at = y * (stride + 1);
      raw[at] = (byte) best;
      System.arraycopy(candidates[best], 0, raw, at + 1, stride);
      byte[] swap = previous;
      previous = row;
      row = swap;
    }
    Deflater deflater = new Deflater(Math.max(0, Math.min(9, level)));
    deflater.setInput(raw);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 4 + 64);
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static long filter(int type, byte[] row, byte[] up, byte[] out) {
    long sum = 0;
    for (int i = 0; i < row.length; i++) {
      int x = row[i] & 0xff;
      int a = i >= 3 ? row[i - 3] & 0xff : 0;
      int b = up[i] & 0xff;
      int c = i >= 3 ? up[i - 3] & 0xff : 0;
      int predicted;
      switch (type) {
        case 1:
          predicted = a;
          break;
        case 2:
          predicted = b;
          break;
        case 3:
          predicted = (a + b) >>> 1;
          break;
        case 4:
          predicted = paeth(a, b, c);
          break;
        default:
          predicted = 0;
      }
      byte v = (byte) (x - predicted);
      out[i] = v;
      sum += Math.abs((int) v);
    }
    return sum;
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }
}
