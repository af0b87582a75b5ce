package io.gpufleet.api.providers;

import java.nio.channels.ClosedChannelException;
import java.util.Locale;

/**
 * Recognises a kept-alive connection that the server (or a proxy between) closed while it was idle
 * in the JDK client's pool: writing the request on it fails before any answer is read.
 */
final class StaleConnections {

  /** Tries of one request, the first included. */
  static final int ATTEMPTS = 3;

  private StaleConnections() {}

  static boolean isStale(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ClosedChannelException) {
        return true;
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof java.io.IOException
          && (message.contains("connection reset") || message.contains("eof reached"))) {
        return true;
      }
    }
    return false;
  }
}
