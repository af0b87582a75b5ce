package io.gpufleet.comfy;

/** One WebSocket session with a client id that survives reconnects. */
public interface ComfySession extends AutoCloseable {
  String clientId();

  State state();

  /** Closes for good; the listener's {@code onClosed} is called once. */
  @Override
  void close();

  enum State {
    CONNECTING,
    OPEN,
    RECONNECTING,
    CLOSED
  }
}
