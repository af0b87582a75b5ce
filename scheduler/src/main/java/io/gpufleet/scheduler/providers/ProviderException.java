package io.gpufleet.scheduler.providers;

/**
 * A provider refused or failed. {@code retryable} says whether trying again later may help (a rate
 * limit, a 5xx) or not (a bad key, an offer that is gone).
 */
public class ProviderException extends RuntimeException {

  private final Reason reason;
  private final boolean retryable;

  public ProviderException(Reason reason, String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.retryable = retryable;
  }

  public ProviderException(Reason reason, String message, boolean retryable) {
    super(message);
    this.reason = reason;
    this.retryable = retryable;
  }

  public Reason reason() {
    return reason;
  }

  public boolean retryable() {
    return retryable;
  }

  /** Why a provider said no. */
  public enum Reason {
    /** No offer matches the spec now. */
    NO_CAPACITY,
    /** The provider does not do this (start/stop on a static server without SSH). */
    UNSUPPORTED,
    /** The provider's API answered with an error. */
    API_ERROR,
    /** The provider could not be reached. */
    UNREACHABLE
  }
}
