package io.gpufleet.scheduler.models;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * The real probe: a HEAD without redirects, whose connection may only go to the addresses the
 * policy checked (OkHttp's DNS is replaced per call), so DNS rebinding cannot slip in another one.
 * A server that refuses HEAD is asked for its first byte instead.
 */
final class OkHttpUrlProbe implements UrlProbe {

  private final OkHttpClient base;

  OkHttpUrlProbe(Duration timeout) {
    this.base =
        new OkHttpClient.Builder()
            .followRedirects(false)
            .followSslRedirects(false)
            .proxy(Proxy.NO_PROXY)
            .callTimeout(timeout)
            .build();
  }

  @Override
  public Hop probe(URI url, List<InetAddress> addresses) throws IOException {
    String checkedHost = url.getHost();
    OkHttpClient pinned =
        base.newBuilder()
            .dns(
                host -> {
                  if (host.equalsIgnoreCase(checkedHost)) {
                    return addresses;
                  }
                  throw new java.net.UnknownHostException(host + " was not checked");
                })
            .build();
    Hop head = call(pinned, new Request.Builder().url(url.toString()).head().build());
    if (head.status() != 405 && head.status() != 403) {
      return head;
    }
    Request ranged =
        new Request.Builder().url(url.toString()).get().header("Range", "bytes=0-0").build();
    return call(pinned, ranged);
  }

  private static Hop call(OkHttpClient client, Request request) throws IOException {
    try (Response response = client.newCall(request).execute()) {
      Long length = null;
      String range = response.header("Content-Range");
      if (response.code() == 206 && range != null && range.contains("/")) {
        length = parse(range.substring(range.indexOf('/') + 1));
      } else if (response.code() / 100 == 2) {
        length = parse(response.header("Content-Length"));
      }
      return new Hop(
          response.code(),
          response.header("Location"),
          length,
          response.header("Content-Disposition"));
    }
  }

  private static @Nullable Long parse(@Nullable String value) {
    if (value == null) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      return parsed >= 0 ? parsed : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
