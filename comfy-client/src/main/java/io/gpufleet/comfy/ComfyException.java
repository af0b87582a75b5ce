package io.gpufleet.comfy;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Everything a ComfyUI call can fail with; callers decide on {@link #retryable()}. */
public abstract sealed class ComfyException extends RuntimeException
    permits ComfyException.ApiError,
        ComfyException.PromptRejected,
        ComfyException.ConnectionFailed,
        ComfyException.Undecodable {

  ComfyException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed later against the same server. */
  public abstract boolean retryable();

  /** The server answered with an error status (body parsed when it was ComfyUI's error JSON). */
  public static final class ApiError extends ComfyException {
    private final int status;
    private final @Nullable String type;

    public ApiError(int status, @Nullable String type, String message) {
      super("HTTP " + status + (type == null ? "" : " " + type) + ": " + message, null);
      this.status = status;
      this.type = type;
    }

    public int status() {
      return status;
    }

    public @Nullable String type() {
      return type;
    }

    @Override
    public boolean retryable() {
      return status >= 500 || status == 429 || status == 408;
    }
  }

  /**
   * POST /prompt refused the workflow (400): {@code type} is e.g. no_prompt, invalid_prompt,
   * prompt_no_outputs, prompt_outputs_failed_validation; older servers send only a message.
   */
  public static final class PromptRejected extends ComfyException {
    private final @Nullable String type;
    private final String details;
    private final Map<String, NodeError> nodeErrors;

    public PromptRejected(
        @Nullable String type, String message, String details, Map<String, NodeError> nodeErrors) {
      super("prompt rejected" + (type == null ? "" : " (" + type + ")") + ": " + message, null);
      this.type = type;
      this.details = details;
      this.nodeErrors = Map.copyOf(nodeErrors);
    }

    public @Nullable String type() {
      return type;
    }

    public String details() {
      return details;
    }

    public Map<String, NodeError> nodeErrors() {
      return nodeErrors;
    }

    /** Every per-input error type across nodes, e.g. value_not_in_list. */
    public List<String> errorTypes() {
      return nodeErrors.values().stream()
          .flatMap(e -> e.errors().stream())
          .map(ValidationError::type)
          .toList();
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }

  /** No answer: refused, reset, timed out. */
  public static final class ConnectionFailed extends ComfyException {
    public ConnectionFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** A success status with a body that is not what ComfyUI sends. */
  public static final class Undecodable extends ComfyException {
    public Undecodable(String message, @Nullable Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
