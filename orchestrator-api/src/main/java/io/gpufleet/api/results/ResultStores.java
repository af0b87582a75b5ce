package io.gpufleet.api.results;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The configured store (where new outputs go), the local one (what was stored before S3 was
 * configured, until moved) and the spool (outputs waiting for the store); each output is read from
 * the store it records.
 */
public final class ResultStores {

  private final ResultStore primary;
  private final LocalResultStore local;
  private final LocalResultStore spool;
  private final ResultProperties settings;

  ResultStores(
      ResultStore primary,
      LocalResultStore local,
      LocalResultStore spool,
      ResultProperties settings) {
    this.primary = primary;
    this.local = local;
    this.spool = spool;
    this.settings = settings;
  }

  /** The same stores with new outputs going to {@code store} (a test's faulty disk). */
  ResultStores withPrimary(ResultStore store) {
    return new ResultStores(store, local, spool, settings);
  }

  /** Where new outputs are stored. */
  public ResultStore primary() {
    return primary;
  }

  LocalResultStore local() {
    return local;
  }

  LocalResultStore spool() {
    return spool;
  }

  /** An output's bytes, streamed, with what to answer about them. */
  public record Download(InputStream body, long size, String contentType) {}

  /**
   * The output's bytes from the store that holds it; empty when they are gone.
   *
   * @throws ResultStore.StoreUnavailable when that store cannot answer now
   */
  public Optional<Download> open(UUID generation, StoredOutput output) throws IOException {
    ResultStore store = holding(output);
    Optional<Long> size =
        output.size() != null && !(store instanceof LocalResultStore)
            ? Optional.of(output.size())
            : store.size(generation, output.file());
    if (size.isEmpty()) {
      return Optional.empty();
    }
    return store
        .open(generation, output.file())
        .map(in -> new Download(in, size.get(), output.contentType()));
  }

  /** A short-lived URL that serves the output without the platform, when its store signs them. */
  public Optional<URI> presigned(UUID generation, StoredOutput output) {
    return holding(output)
        .presignedUrl(generation, output.file(), output.contentType(), settings.presignTtl());
  }

  /** Downloads answer with a redirect to a presigned URL unless the caller says otherwise. */
  public boolean redirectByDefault() {
    return settings.redirectDownloads();
  }

  /** Whether new outputs go to the local disk (nothing to move them to). */
  public boolean primaryIsLocal() {
    return "local".equals(primary.kind());
  }

  /**
   * Copies an output the local disk holds to the configured store, checksum verified; answers the
   * output as that store holds it, or empty when its file is not on the local disk. The local copy
   * stays until {@link #deleteLocalCopy} (once the generation records the new store).
   *
   * @throws ResultStore.StoreUnavailable when the store cannot take it now
   */
  public Optional<StoredOutput> copyToPrimary(UUID generation, StoredOutput output) {
    if (!"local".equals(output.storeName()) || primaryIsLocal()) {
      return Optional.empty();
    }
    Path file = local.path(generation, output.file());
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    ResultStore.Stored stored = primary.put(generation, output.file(), file, output.contentType());
    return Optional.of(output.in(primary.kind(), stored.size()));
  }

  /** Deletes an output's file from the local disk, whichever store the output now names. */
  public void deleteLocalCopy(UUID generation, StoredOutput output) {
    local.delete(generation, output.file());
  }

  /** Deletes the output's file from the store that holds it. */
  public void delete(UUID generation, StoredOutput output) {
    holding(output).delete(generation, output.file());
  }

  ResultStore holding(StoredOutput output) {
    String name = output.storeName();
    if (ResultSpool.SPOOL.equals(name)) {
      return spool;
    }
    if (name.equals(primary.kind())) {
      return primary;
    }
    if ("local".equals(name)) {
      return local;
    }
    throw new ResultStore.StoreUnavailable(
        "The output is in the " + name + " store, which is not configured");
  }
}
