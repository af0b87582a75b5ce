package io.gpufleet.api.servers;

import io.gpufleet.api.servers.ServerViews.ConnectionResult;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.system.UrlNotAllowed;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.SystemStats;
import io.gpufleet.scheduler.comfy.ComfyClients;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Is there a ComfyUI at this URL, one the outbound policy of servers lets the platform call ({@code
 * 400 URL_NOT_ALLOWED} if not) that lets us in? Answers with its version, GPU, VRAM and latency, or
 * a problem that says what is wrong: nothing there, the token refused, not a ComfyUI.
 */
@Component
class ConnectionCheck {

  private final ComfyClients clients;

  ConnectionCheck(ComfyClients clients) {
    this.clients = clients;
  }

  ConnectionResult check(String url, @Nullable String token) {
    requireWellFormed(url);
    long started = System.nanoTime();
    SystemStats stats;
    try {
      stats = clients.oneOff(url, token).systemStats();
    } catch (UrlNotAllowedException e) {
      throw UrlNotAllowed.problem(e, "comfyUrl");
    } catch (ComfyException.ApiError e) {
      if (e.status() == 401 || e.status() == 403) {
        throw refused(
            "COMFY_AUTH_FAILED",
            token == null
                ? "The server at " + url + " wants a token (it answered " + e.status() + ")"
                : "The server at " + url + " refused the token (it answered " + e.status() + ")");
      }
      throw refused(
          ServerProblems.COMFY_CONNECTION_FAILED,
          "The server at " + url + " answered " + e.status() + "; is this a ComfyUI?");
    } catch (ComfyException.Undecodable e) {
      throw refused(
          ServerProblems.COMFY_CONNECTION_FAILED,
          "The server at " + url + " does not answer like a ComfyUI");
    } catch (ComfyException e) {
      throw refused(
          ServerProblems.COMFY_CONNECTION_FAILED,
          "Nothing answers at " + url + ": " + e.getMessage());
    }
    long latencyMs = (System.nanoTime() - started) / 1_000_000;
    SystemStats.Device gpu = stats.devices().isEmpty() ? null : stats.devices().get(0);
    return new ConnectionResult(
        true,
        stats.comfyuiVersion(),
        gpu == null ? null : gpu.name(),
        gpu == null ? null : gpu.vramTotal() / (1024 * 1024),
        gpu == null ? null : gpu.vramFree() / (1024 * 1024),
        latencyMs);
  }

  /**
   * An absolute http(s) URL with a host and a valid port, that both {@link java.net.URI} and the
   * HTTP client read alike; anything else is the caller's mistake ({@code 400}), never a call.
   */
  static void requireWellFormed(String url) {
    String problem = null;
    try {
      java.net.URI uri = new java.net.URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https")) {
        problem = "must be an http or https URL";
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problem = "must name a host";
      } else if (uri.getPort() > 65535) {
        problem = "must have a port between 1 and 65535";
      } else if (okhttp3.HttpUrl.parse(url) == null) {
        problem = "is not a URL the platform can call";
      }
    } catch (java.net.URISyntaxException e) {
      problem = "is not a well-formed URL: " + e.getReason();
    }
    if (problem != null) {
      throw ApiException.invalidField("comfyUrl", problem);
    }
  }

  private static ApiException refused(String code, String detail) {
    return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, code, detail);
  }
}
