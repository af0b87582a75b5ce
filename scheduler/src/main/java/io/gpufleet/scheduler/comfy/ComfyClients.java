package io.gpufleet.scheduler.comfy;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ReconnectPolicy;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.scheduler.SchedulerSettings;
import io.gpufleet.scheduler.outbound.OutboundPolicies;
import io.gpufleet.scheduler.outbound.OutboundPolicy;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.net.Proxy;
import java.net.URI;
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
  private final OutboundPolicy registered;

  ComfyClients(
      ObjectProvider<TokenDecrypter> tokens,
      OutboundPolicies outbound,
      SchedulerSettings settings) {
    this.registered = outbound.servers();
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(256);
    dispatcher.setMaxRequestsPerHost(16);
    this.http =
        new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            .connectTimeout(5, TimeUnit.SECONDS)
            // a hung ComfyUI must fail the call (and so the attempt, which is retried elsewhere)
            // rather than hold the thread that made it; WebSockets are watched by their pings
            .readTimeout(settings.comfyReadTimeout())
            .pingInterval(20, TimeUnit.SECONDS)
            .build();
    this.tokens = tokens.getIfAvailable(() -> TokenDecrypter.NONE);
  }

  /**
   * The client of a server's ComfyUI; the server must know its ComfyUI URL. A registered server's
   * URL is the admin's: its client is held to the outbound policy of servers on every connection.
   *
   * @throws UrlNotAllowedException if a registered server's URL is refused
   */
  public ComfyClient forServer(Server server) {
    String url =
        Objects.requireNonNull(
            server.getAddresses().comfyUrl(), () -> server.getName() + " has no ComfyUI URL");
    String token = tokens.decrypt(server.getAccess().comfyTokenEncrypted());
    boolean userGiven = OutboundPolicies.userGiven(server);
    return clients.computeIfAbsent(
        new Key(url, token, userGiven),
        key -> build(key.url(), key.token(), key.userGiven() ? checkedClient(key.url()) : http));
  }

  /** The client of a ComfyUI its provider reported, by URL, kept for later calls. */
  public ComfyClient forUrl(String url, @Nullable String token) {
    return clients.computeIfAbsent(
        new Key(url, token, false), key -> build(key.url(), key.token(), http));
  }

  /**
   * A client for one check of a URL a user gave, not a server (yet); not kept. It connects only to
   * the addresses the outbound policy of servers checked now, and follows no redirect.
   *
   * @throws UrlNotAllowedException if the URL is refused
   */
  public ComfyClient oneOff(String url, @Nullable String token) {
    OutboundPolicy.Checked checked = registered.check(url);
    return build(url, token, checked.pin(http));
  }

  /** Each connection resolves the host once and goes only to addresses the policy allows. */
  private OkHttpClient checkedClient(String url) {
    OutboundPolicy.Target target = registered.checkWithoutResolving(URI.create(url));
    return http.newBuilder()
        .dns(registered.dns(target.port()))
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .build();
  }

  private ComfyClient build(String url, @Nullable String token, OkHttpClient client) {
    ComfyClient.Builder builder =
        ComfyClient.builder()
            .baseUrl(url)
            .httpClient(client)
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

  private record Key(String url, @Nullable String token, boolean userGiven) {
    @Override
    public String toString() {
      return "Key[" + url + "]";
    }
  }
}
