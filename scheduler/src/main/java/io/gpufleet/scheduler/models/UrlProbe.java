package io.gpufleet.scheduler.models;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Asks one URL for its headers (a HEAD, no redirects followed), connecting only to the given
 * addresses. Injectable so that tests and the sandbox need no internet.
 */
@FunctionalInterface
public interface UrlProbe {

  Hop probe(URI url, List<InetAddress> addresses) throws IOException;

  /**
   * What one hop answered.
   *
   * @param location the Location header of a redirect
   * @param contentLength the size, if the server said
   * @param contentDisposition the Content-Disposition header (Civitai names files there)
   */
  record Hop(
      int status,
      @Nullable String location,
      @Nullable Long contentLength,
      @Nullable String contentDisposition) {}
}
