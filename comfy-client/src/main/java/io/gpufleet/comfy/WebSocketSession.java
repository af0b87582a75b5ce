package io.gpufleet.comfy;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A WebSocket session that reconnects with the same client id until told to stop. */
final class WebSocketSession implements ComfySession {
  private static final Logger log = LoggerFactory.getLogger(WebSocketSession.class);
  static final String HANDSHAKE =
      "{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}";

  private final OkHttpClient http;
  private final Request request;
  private final String clientId;
  private final ComfyListener listener;
  private final ReconnectPolicy policy;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final Object deliveryLock = new Object();
  private volatile State state = State.CONNECTING;
  private volatile @Nullable WebSocket current;
  private int failedAttempts;

  WebSocketSession(
      OkHttpClient http,
      Request request,
      String clientId,
      ComfyListener listener,
      ReconnectPolicy policy) {
    this.http = http;
    this.request = request;
    this.clientId = clientId;
    this.listener = listener;
    this.policy = policy;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "comfy-ws-reconnect-" + clientId);
              t.setDaemon(true);
              return t;
            });
  }

  void open() {
    if (finished.get()) {
      return;
    }
    // Under the lock, so that onOpen (another thread) never sees the previous socket here.
    synchronized (deliveryLock) {
      if (!finished.get()) {
        current = http.newWebSocket(request, new Frames());
      }
    }
  }

  @Override
  public String clientId() {
    return clientId;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public void close() {
    WebSocket ws = current;
    finish("closed by client");
    if (ws != null) {
      ws.close(1000, "bye");
    }
  }

  private void finish(String reason) {
    if (finished.compareAndSet(false, true)) {
      state = State.CLOSED;
      scheduler.shutdownNow();
      synchronized (deliveryLock) {
        listener.onClosed(reason);
      }
    }
  }

  private void dropped(WebSocket ws, String reason) {
    synchronized (deliveryLock) {
      if (ws != current || finished.get()) {
        return;
      }
      current = null;
      failedAttempts++;
      if (failedAttempts > policy.maxAttempts()) {
        log.warn(
            "ComfyUI at {} gone after {} reconnect attempts: {}",
            request.url().host(),
            policy.maxAttempts(),
            reason);
        state = State.CLOSED;
        listener.onServerGone(reason);
      } else {
        Duration delay = policy.delayBefore(failedAttempts);
        state = State.RECONNECTING;
        listener.onReconnecting(failedAttempts, delay, reason);
        scheduler.schedule(this::open, delay.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
    }
    finish("server gone: " + reason);
  }

  private final class Frames extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      synchronized (deliveryLock) {
        if (webSocket != current || finished.get()) {
          webSocket.close(1000, null);
          return;
        }
        failedAttempts = 0;
        state = State.OPEN;
        webSocket.send(HANDSHAKE);
        listener.onConnected(clientId);
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      deliver(webSocket, EventDecoder.text(text));
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      deliver(webSocket, EventDecoder.binary(bytes.toByteArray()));
    }

    private void deliver(WebSocket webSocket, ComfyEvent event) {
      synchronized (deliveryLock) {
        if (webSocket == current && !finished.get()) {
          listener.onEvent(event);
        }
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
      dropped(
          webSocket, "closed by server (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, @Nullable Response response) {
      String why = response != null ? "HTTP " + response.code() : String.valueOf(t.getMessage());
      dropped(webSocket, why);
    }
  }
}
