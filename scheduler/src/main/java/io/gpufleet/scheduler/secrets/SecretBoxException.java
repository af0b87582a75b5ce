package io.gpufleet.scheduler.secrets;

import org.jspecify.annotations.Nullable;

/** A stored secret cannot be decrypted: it was changed, or the master key is not the one used. */
public final class SecretBoxException extends RuntimeException {
  SecretBoxException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
