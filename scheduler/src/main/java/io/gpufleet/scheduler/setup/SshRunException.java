package io.gpufleet.scheduler.setup;

/** A script could not be run at all: no connection, no login, or no channel. */
public abstract sealed class SshRunException extends RuntimeException
    permits SshRunException.ConnectFailed,
        SshRunException.AuthenticationFailed,
        SshRunException.ChannelFailed {

  private SshRunException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether trying again later may succeed. */
  public abstract boolean retryable();

  /** The server could not be reached, or not in time (it may still be booting). */
  public static final class ConnectFailed extends SshRunException {
    ConnectFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /**
   * The server refused the key. Retryable: a key attached through Vast.ai's API takes a moment to
   * reach the instance, but a lasting refusal means the key is not attached.
   */
  public static final class AuthenticationFailed extends SshRunException {
    AuthenticationFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return true;
    }
  }

  /** Logged in, but the server would not run the command. */
  public static final class ChannelFailed extends SshRunException {
    ChannelFailed(String message, Throwable cause) {
      super(message, cause);
    }

    @Override
    public boolean retryable() {
      return false;
    }
  }
}
