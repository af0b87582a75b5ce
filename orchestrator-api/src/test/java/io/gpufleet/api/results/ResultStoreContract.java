package io.gpufleet.api.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every result store does, whichever it is: one subclass per store runs these against a real
 * one (a directory; an S3-compatible server).
 */
abstract class ResultStoreContract {

  /** Above the S3 subclass's multipart threshold (6 MB, in 5 MB parts): three parts. */
  static final int LARGE = 12 * 1024 * 1024 + 321;

  @TempDir Path work;

  abstract ResultStore store();

  @Test
  void aStoredFileReadsBackByteForByteWithItsSizeAndChecksum() throws IOException {
    UUID generation = UUID.randomUUID();
    Path file = file("a.png", 70_001);

    ResultStore.Stored stored = store().put(generation, "0.png", file, "image/png");

    assertThat(stored.size()).isEqualTo(70_001);
    assertThat(stored.checksum()).isEqualTo("sha256:" + sha256(file));
    assertThat(store().size(generation, "0.png")).contains(70_001L);
    assertThat(read(generation, "0.png")).isEqualTo(Files.readAllBytes(file));
  }

  @Test
  void aLargeVideoIsStoredWholeAndStreamsBack() throws IOException {
    UUID generation = UUID.randomUUID();
    Path file = file("clip.mp4", LARGE);

    ResultStore.Stored stored = store().put(generation, "0.mp4", file, "video/mp4");

    assertThat(stored.size()).isEqualTo(LARGE);
    assertThat(stored.checksum()).isEqualTo("sha256:" + sha256(file));
    assertThat(store().size(generation, "0.mp4")).contains((long) LARGE);
    try (InputStream in = store().open(generation, "0.mp4").orElseThrow()) {
      assertThat(sha256(in)).isEqualTo(sha256(file));
    }
  }

  @Test
  void anEmptyFileIsStoredToo() throws IOException {
    UUID generation = UUID.randomUUID();

    store().put(generation, "0.bin", file("empty", 0), "application/octet-stream");

    assertThat(store().size(generation, "0.bin")).contains(0L);
    assertThat(read(generation, "0.bin")).isEmpty();
  }

  @Test
  void aFileThatWasNeverStoredIsAbsentNotAnError() throws IOException {
    UUID generation = UUID.randomUUID();

    assertThat(store().open(generation, "0.png")).isEmpty();
    assertThat(store().size(generation, "0.png")).isEmpty();
  }

  @Test
  void storingAgainReplacesTheFile() throws IOException {
    UUID generation = UUID.randomUUID();
    store().put(generation, "0.png", file("first", 5_000), "image/png");
    Path second = file("second", 3_000);

    store().put(generation, "0.png", second, "image/png");

    assertThat(read(generation, "0.png")).isEqualTo(Files.readAllBytes(second));
  }

  @Test
  void aDeletedFileIsGoneAndDeletingItAgainChangesNothing() throws IOException {
    UUID generation = UUID.randomUUID();
    store().put(generation, "0.png", file("a", 1_000), "image/png");
    store().put(generation, "1.png", file("b", 1_000), "image/png");

    store().delete(generation, "0.png");
    store().delete(generation, "0.png");

    assertThat(store().open(generation, "0.png")).isEmpty();
    assertThat(store().size(generation, "1.png")).contains(1_000L);
  }

  @Test
  void generationsKeepTheirOwnFiles() throws IOException {
    UUID one = UUID.randomUUID();
    UUID two = UUID.randomUUID();
    Path a = file("a", 2_000);
    Path b = file("b", 2_001);

    store().put(one, "0.png", a, "image/png");
    store().put(two, "0.png", b, "image/png");

    assertThat(read(one, "0.png")).isEqualTo(Files.readAllBytes(a));
    assertThat(read(two, "0.png")).isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void aNameThatLeavesItsGenerationIsRefused() throws IOException {
    Path file = file("a", 10);

    assertThatThrownBy(() -> store().put(UUID.randomUUID(), "../0.png", file, "image/png"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A file of random bytes (seeded by its size, so a failure can be reproduced). */
  Path file(String name, int size) throws IOException {
    Path file = work.resolve(name);
    Random random = new Random(size);
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int left = size; left > 0; left -= chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, Math.min(left, chunk.length));
      }
    }
    return file;
  }

  byte[] read(UUID generation, String name) throws IOException {
    try (InputStream in = store().open(generation, name).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    }
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest sha = Checksums.digest("SHA-256");
    byte[] buffer = new byte[64 * 1024];
    int n;
    while ((n = in.read(buffer)) > 0) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
