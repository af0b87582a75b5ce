package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Outputs in an S3-compatible bucket under {@code <prefix><generation>/<file>}. Each upload carries
 * its SHA-256 (S3 refuses a body that does not match) and its MD5, and the ETag the store answers
 * is checked against the MD5 too, so a server that ignores the checksum header is caught as well.
 * Files above the multipart threshold go up in parts, each checked the same way; bodies stream from
 * and to disk.
 */
final class S3ResultStore implements ResultStore {

  private static final Logger log = LoggerFactory.getLogger(S3ResultStore.class);

  private final S3Client s3;
  private final S3Presigner presigner;
  private final String bucket;
  private final String prefix;
  private final long multipartThreshold;
  private final long partSize;

  S3ResultStore(
      S3Client s3,
      S3Presigner presigner,
      String bucket,
      String prefix,
      long multipartThreshold,
      long partSize) {
    this.s3 = s3;
    this.presigner = presigner;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    this.multipartThreshold = multipartThreshold;
    this.partSize = partSize;
  }

  @Override
  public String kind() {
    return "s3";
  }

  String key(UUID generation, String file) {
    if (file.contains("/") || file.contains("..")) {
      throw new IllegalArgumentException("Not a file name: " + file);
    }
    return prefix + generation + "/" + file;
  }

  @Override
  public Stored put(UUID generation, String file, Path source, String contentType) {
    String key = key(generation, file);
    try {
      long size = Files.size(source);
      return size > multipartThreshold
          ? multipart(key, source, size, contentType)
          : single(key, source, size, contentType);
    } catch (SdkException e) {
      throw new StoreUnavailable("S3 did not take " + key + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new StoreUnavailable("could not read " + source + ": " + e.getMessage(), e);
    }
  }

  private Stored single(String key, Path source, long size, String contentType) throws IOException {
    Checksums.Digests digests = Checksums.of(source, 0, size);
    var answer =
        s3.putObject(
            r ->
                r.bucket(bucket)
                    .key(key)
                    .contentType(contentType)
                    .contentLength(size)
                    .contentMD5(digests.md5Base64())
                    .checksumSHA256(digests.sha256Base64()),
            RequestBody.fromFile(source));
    requireEtag(key, answer.eTag(), digests.md5Hex());
    if (answer.checksumSHA256() != null
        && !answer.checksumSHA256().equals(digests.sha256Base64())) {
      throw new StoreUnavailable("S3 stored " + key + " with another SHA-256");
    }
    return new Stored(size, "sha256:" + digests.sha256Hex());
  }

  private Stored multipart(String key, Path source, long size, String contentType)
      throws IOException {
    String upload =
        s3.createMultipartUpload(
                r ->
                    r.bucket(bucket)
                        .key(key)
                        .contentType(contentType)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256))
            .uploadId();
    try {
      List<CompletedPart> parts = new ArrayList<>();
      // the whole file's SHA-256 is recorded; parts are verified one by one as they go up
      Checksums.Digests whole = Checksums.of(source, 0, size);
      for (long offset = 0; offset < size; offset += partSize) {
        long length = Math.min(partSize, size - offset);
        int number = parts.size() + 1;
        Checksums.Digests digests = Checksums.of(source, offset, length);
        var answer = uploadPart(key, upload, number, source, offset, length, digests);
        requireEtag(key + " part " + number, answer.eTag(), digests.md5Hex());
        parts.add(
            CompletedPart.builder()
                .partNumber(number)
                .eTag(answer.eTag())
                .checksumSHA256(digests.sha256Base64())
                .build());
      }
      s3.completeMultipartUpload(
          r -> r.bucket(bucket).key(key).uploadId(upload).multipartUpload(m -> m.parts(parts)));
      return new Stored(size, "sha256:" + whole.sha256Hex());
    } catch (RuntimeException | IOException e) {
      abort(key, upload);
      throw e;
    }
  }

  private software.amazon.awssdk.services.s3.model.UploadPartResponse uploadPart(
      String key,
      String upload,
      int number,
      Path source,
      long offset,
      long length,
      Checksums.Digests digests) {
    // a provider, not a stream: the SDK reads the part twice when it signs the payload
    return s3.uploadPart(
        r ->
            r.bucket(bucket)
                .key(key)
                .uploadId(upload)
                .partNumber(number)
                .contentLength(length)
                .contentMD5(digests.md5Base64())
                .checksumSHA256(digests.sha256Base64()),
        RequestBody.fromContentProvider(
            () -> part(source, offset, length), length, "application/octet-stream"));
  }

  private static InputStream part(Path source, long offset, long length) {
    try {
      InputStream in = Files.newInputStream(source);
      in.skipNBytes(offset);
      return new BoundedInputStream(in, length);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void abort(String key, String upload) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(upload));
    } catch (SdkException e) {
      // the bucket's lifecycle rule for incomplete uploads collects it (docs/operations.md)
      log.warn("Could not abort the multipart upload of {}: {}", key, e.getMessage());
    }
  }

  /** A single-part ETag is the body's MD5; one that differs means the store kept other bytes. */
  private static void requireEtag(String what, String etag, String md5Hex) {
    String bare = etag == null ? "" : etag.replace("\"", "").toLowerCase(Locale.ROOT);
    if (bare.length() == 32 && !bare.equals(md5Hex)) {
      throw new StoreUnavailable(
          "S3 stored " + what + " with another checksum (ETag " + etag + ")");
    }
  }

  @Override
  public Optional<InputStream> open(UUID generation, String file) {
    try {
      return Optional.of(s3.getObject(r -> r.bucket(bucket).key(key(generation, file))));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw new StoreUnavailable("S3 did not answer for " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Long> size(UUID generation, String file) {
    try {
      return Optional.of(
          s3.headObject(r -> r.bucket(bucket).key(key(generation, file))).contentLength());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new StoreUnavailable("S3 did not answer for " + file + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new StoreUnavailable("S3 did not answer for " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void delete(UUID generation, String file) {
    try {
      s3.deleteObject(r -> r.bucket(bucket).key(key(generation, file)));
    } catch (SdkException e) {
      throw new StoreUnavailable("S3 did not delete " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<URI> presignedUrl(
      UUID generation, String file, String contentType, Duration ttl) {
    var presigned =
        presigner.presignGetObject(
            p ->
                p.signatureDuration(ttl)
                    .getObjectRequest(
                        r ->
                            r.bucket(bucket)
                                .key(key(generation, file))
                                .responseContentType(contentType)));
    try {
      return Optional.of(presigned.url().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code length} bytes of a stream, for one part; closing it leaves the file to its owner. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long length) {
      this.in = in;
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
