package io.gpufleet.scheduler.comfy;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ReconnectPolicy;
import io.gpufleet.persistence.servers.Server;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Hands out a {@link ComfyClient} per server. They share one OkHttp client, so the whole fleet uses
 * one connection pool and one dispatcher (which bounds the calls in flight, not the servers).
 */
@Component
public class ComfyClients {

  private final OkHttpClient http;
  private final Map<Key, ComfyClient> clients = new ConcurrentHashMap<>();
  private final TokenDecrypter tokens;

  ComfyClients(ObjectProvider<TokenDecrypter> tokens) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(256);
    dispatcher.setMaxRequestsPerHost(16);
    this.http =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectTimeout(5, TimeUnit.SECONDS)
            .readTimeout(60, TimeUnit.SECONDS)
            .pingInterval(20, TimeUnit.SECONDS)
            .build();
    this.tokens = tokens.getIfAvailable(() -> TokenDecrypter.NONE);
  }

  /** The client of a server's ComfyUI; the server must know its ComfyUI URL. */
  public ComfyClient forServer(Server server) {
    String url =
        Objects.requireNonNull(
            server.getAddresses().comfyUrl(), () -> server.getName() + " has no ComfyUI URL");
    String token = tokens.decrypt(server.getAccess().comfyTokenEncrypted());
    return forUrl(url, token);
  }

  /** The client of a ComfyUI known by URL, kept for later calls. */
  public ComfyClient forUrl(String url, @Nullable String token) {
    return clients.computeIfAbsent(new Key(url, token), key -> build(key.url(), key.token()));
  }

  /** A client for one check of a URL that is not a server (yet); not kept. */
  public ComfyClient oneOff(String url, @Nullable String token) {
    return build(url, token);
  }

  private ComfyClient build(String url, @Nullable String token) {
    ComfyClient.Builder builder =
        ComfyClient.builder()
            .baseUrl(url)
            .httpClient(http)
            .reconnect(new ReconnectPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(15)));
    if (token != null) {
      builder.bearerToken(token);
    }
    return builder.build();
  }

  /** Decrypts a stored ComfyUI token; absent when no server has one. */
  public interface TokenDecrypter {
    @Nullable String decrypt(@Nullable String encrypted);

    TokenDecrypter NONE = encrypted -> null;
  }

  private record Key(String url, @Nullable String token) {
    @Override
    public String toString() {
      return "Key[" + url + "]";
    }
  }
}
