package io.gpufleet.scheduler.models;

import org.jspecify.annotations.Nullable;

/**
 * A model to download.
 *
 * @param filename the name to store it under; from the URL (or its Content-Disposition) if null
 * @param sha256 the expected checksum (hex), checked before the file is moved into place
 */
public record DownloadRequest(
    String url, String folder, @Nullable String filename, @Nullable String sha256) {}
