package io.gpufleet.scheduler.outbound;

import java.io.IOException;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One HTTP call to a user's URL under a policy: the URL is checked, the connection pinned to the
 * checked addresses, and each redirect followed here (the same method and body), checked like the
 * first URL before anything is sent to it.
 */
public final class OutboundCalls {

  private final OutboundPolicy policy;
  private final OkHttpClient base;
  private final int maxRedirects;

  public OutboundCalls(OutboundPolicy policy, OkHttpClient base, int maxRedirects) {
    this.policy = policy;
    this.base = base;
    this.maxRedirects = maxRedirects;
  }

  /**
   * Sends {@code request} and answers the last hop's response (the caller closes it).
   *
   * @throws UrlNotAllowedException if the URL or a redirect is refused, or there are too many
   * @throws IOException if a hop does not answer
   */
  public Response execute(Request request) throws IOException {
    Request hop = request;
    OutboundPolicy.Checked checked = policy.check(hop.url().uri());
    for (int redirects = 0; ; redirects++) {
      Response response = checked.pin(base).newCall(hop).execute();
      int status = response.code();
      String location = response.header("Location");
      if (status < 300 || status >= 400 || status == 304 || location == null) {
        return response;
      }
      response.close();
      HttpUrl next = hop.url().resolve(location.trim());
      if (next == null) {
        throw new UrlNotAllowedException(
            hop.url().toString(), "a redirect (" + status + ") to an invalid URL: " + location);
      }
      if (redirects + 1 > maxRedirects) {
        throw new UrlNotAllowedException(
            request.url().toString(), "more than " + maxRedirects + " redirects");
      }
      try {
        checked = policy.check(next.uri());
      } catch (UrlNotAllowedException e) {
        throw new UrlNotAllowedException(
            next.toString(), "a redirect to " + next + " was refused: " + e.getMessage());
      }
      Request.Builder following = hop.newBuilder().url(next);
      if (!next.host().equals(hop.url().host())) {
        following.removeHeader("Authorization").removeHeader("Cookie");
      }
      hop = following.build();
    }
  }
}
