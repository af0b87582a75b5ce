package io.gpufleet.scheduler.outbound;

/**
 * A URL (or address) the platform will not call; the message says why. A host that did not resolve
 * may resolve later ({@link #retryable()}); a denied address or a wrong scheme will not.
 */
public final class UrlNotAllowedException extends RuntimeException {

  /** The stable error code the API answers with. */
  public static final String CODE = "URL_NOT_ALLOWED";

  private final String url;
  private final boolean retryable;

  public UrlNotAllowedException(String url, String reason) {
    this(url, reason, false);
  }

  UrlNotAllowedException(String url, String reason, boolean retryable) {
    super(reason);
    this.url = url;
    this.retryable = retryable;
  }

  /** The URL refused (one hop of a redirect chain, maybe not the one asked for). */
  public String url() {
    return url;
  }

  /** Whether the same URL may pass later (its host did not resolve this time). */
  public boolean retryable() {
    return retryable;
  }
}
