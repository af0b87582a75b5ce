package io.gpufleet.vast;

import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Everything that can go wrong talking to Vast.ai. Callers act on {@link #retryable()} rather than
 * on status codes: retryable failures may succeed if the same call is made again later.
 */
public abstract sealed class VastException extends RuntimeException
    permits VastException.ApiError,
        VastException.RateLimited,
        VastException.TransportFailure,
        VastException.UndecodableResponse {

  private VastException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether making the same call again later may succeed. */
  public abstract boolean retryable();

  /** The server understood the call and refused it (or failed with a 5xx). */
  public static final class ApiError extends VastException {
    private final int status;
    private final String code;
    private final String apiMessage;
    private final @Nullable Long createdInstanceId;

    ApiError(int status, String code, String apiMessage, @Nullable Long createdInstanceId) {
      super(
          "Vast.ai answered "
              + status
              + (code.isEmpty() ? "" : " " + code)
              + (apiMessage.isEmpty() ? "" : ": " + apiMessage),
          null);
      this.status = status;
      this.code = code;
      this.apiMessage = apiMessage;
      this.createdInstanceId = createdInstanceId;
    }

    /** HTTP status; 200 when the body said {@code "success": false}. */
    public int status() {
      return status;
    }

    /** Vast's error code such as {@code auth_error}, {@code no_such_ask}; empty if none. */
    public String code() {
      return code;
    }

    /** Vast's human message ({@code msg}, {@code message} or {@code detail}). */
    public String apiMessage() {
      return apiMessage;
    }

    /**
     * An instance Vast created although the rent failed (a bid that was too low leaves a stopped
     * instance behind). It bills until destroyed.
     */
    public OptionalLong createdInstanceId() {
      return createdInstanceId == null ? OptionalLong.empty() : OptionalLong.of(createdInstanceId);
    }

    /** The offer was taken by someone else or no longer exists: search again. */
    public boolean offerGone() {
      return code.equals("no_such_ask") || apiMessage.contains("no_such_ask");
    }

    /** The key is wrong, deleted, or lacks a permission. */
    public boolean authFailure() {
      return status == 401 || code.equals("auth_error") || code.equals("not_authorized");
    }

    @Override
    public boolean retryable() {
      return status == 502 || status == 503 || status == 504;
    }
  }

  /** HTTP 429: calls to this endpoint came too fast. Vast sends no Retry-After. */
  public static final class RateLimited extends VastException {
    private final String apiMessage;

    RateLimited(String apiMessage) {
      super("Vast.ai rate limited the call: " + apiMessage, null);
      this.apiMessage = apiMessage;
    }

    public String apiMessage() {
      return apiMessage;
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /**
   * No usable answer arrived: connection refused, reset, timed out, or the circuit breaker is open.
   * For a rent, Vast may still have created the instance.
   */
  public static final class TransportFailure extends VastException {
    private final boolean circuitOpen;

    TransportFailure(String message, @Nullable Throwable cause) {
      this(message, cause, false);
    }

    private TransportFailure(String message, @Nullable Throwable cause, boolean circuitOpen) {
      super(message, cause);
      this.circuitOpen = circuitOpen;
    }

    static TransportFailure openCircuit() {
      return new TransportFailure(
          "circuit breaker is open after repeated failures; not calling Vast.ai", null, true);
    }

    /** Not even tried: the circuit breaker is open. */
    public boolean circuitOpen() {
      return circuitOpen;
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** A 2xx answer whose body is not the JSON shape the endpoint promises. */
  public static final class UndecodableResponse extends VastException {
    UndecodableResponse(String message, @Nullable Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
