package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** SHA-256 (and MD5, for S3's ETag) of streamed files, computed as they pass. */
final class Checksums {

  private static final int BUFFER = 64 * 1024;

  private Checksums() {}

  static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies {@code in} to {@code target}; the answer is the SHA-256 of what was copied, in hex. */
  static String copySha256(InputStream in, Path target) throws IOException {
    MessageDigest sha = digest("SHA-256");
    byte[] buffer = new byte[BUFFER];
    try (OutputStream out = Files.newOutputStream(target)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest sha = digest("SHA-256");
    byte[] buffer = new byte[BUFFER];
    int n;
    while ((n = in.read(buffer)) > 0) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  /** The SHA-256 and MD5 of {@code length} bytes of a file from {@code offset}. */
  static Digests of(Path file, long offset, long length) throws IOException {
    MessageDigest sha = digest("SHA-256");
    MessageDigest md5 = digest("MD5");
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(offset);
      long left = length;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException("the file ended early");
        }
        sha.update(buffer, 0, n);
        md5.update(buffer, 0, n);
        left -= n;
      }
    }
    return new Digests(sha.digest(), md5.digest());
  }

  record Digests(byte[] sha256, byte[] md5) {
    String sha256Base64() {
      return Base64.getEncoder().encodeToString(sha256);
    }

    String sha256Hex() {
      return HexFormat.of().formatHex(sha256);
    }

    String md5Base64() {
      return Base64.getEncoder().encodeToString(md5);
    }

    String md5Hex() {
      return HexFormat.of().formatHex(md5);
    }
  }
}
