package io.gpufleet.comfy;

import java.time.Duration;

/** Receives a session's events. Called from OkHttp's threads, one call at a time per session. */
public interface ComfyListener {
  void onEvent(ComfyEvent event);

  /** The socket is (again) open; after a reconnect the server sends a fresh status. */
  default void onConnected(String clientId) {}

  default void onReconnecting(int attempt, Duration delay, String reason) {}

  /** Reconnecting failed {@code maxAttempts} times in a row; {@link #onClosed} follows. */
  default void onServerGone(String reason) {}

  /** Terminal: the session will not deliver anything more. */
  default void onClosed(String reason) {}
}
