package io.gpufleet.scheduler.models;

import io.gpufleet.scheduler.outbound.OutboundPolicy;
import io.gpufleet.scheduler.outbound.UrlNotAllowedException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Follows a model URL's redirects itself, hop by hop, checking every hop with the {@link
 * OutboundPolicy} of model downloads; the server is later told to fetch the final URL, pinned to
 * the address checked here, and to follow no redirect of its own.
 */
public final class ModelPreflight {

  private static final Pattern FILENAME =
      Pattern.compile("filename\\*?=(?:UTF-8'')?\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

  private final OutboundPolicy policy;
  private final UrlProbe probe;
  private final int maxHops;

  public ModelPreflight(OutboundPolicy policy, UrlProbe probe, int maxHops) {
    this.policy = policy;
    this.probe = probe;
    this.maxHops = maxHops;
  }

  /**
   * Where a URL leads.
   *
   * @param address the checked address the download is pinned to
   * @param totalBytes the size, if the last hop said
   * @param suggestedName the file name the last hop suggested, or the last segment of its path
   */
  public record Result(
      URI finalUrl,
      String host,
      InetAddress address,
      @Nullable Long totalBytes,
      @Nullable String suggestedName) {}

  /**
   * Checks {@code url} and every redirect it leads through.
   *
   * @throws ModelUrlRefusedException if a hop is refused by the policy, answers with an error, or
   *     there are too many hops
   */
  public Result run(String url) {
    OutboundPolicy.Checked checked = check(url);
    for (int hop = 0; ; hop++) {
      UrlProbe.Hop answer;
      try {
        answer = probe.probe(checked.url(), checked.addresses());
      } catch (IOException e) {
        throw new ModelUrlRefusedException(
            checked.url().toString(), "the URL did not answer: " + e.getMessage());
      }
      int status = answer.status();
      if (status >= 300 && status < 400 && status != 304) {
        if (answer.location() == null) {
          throw new ModelUrlRefusedException(
              checked.url().toString(), "a redirect (" + status + ") without a Location");
        }
        if (hop + 1 > maxHops) {
          throw new ModelUrlRefusedException(url, "more than " + maxHops + " redirects");
        }
        URI next;
        try {
          next = checked.url().resolve(answer.location().trim());
        } catch (IllegalArgumentException e) {
          throw new ModelUrlRefusedException(
              checked.url().toString(), "a redirect to an invalid URL");
        }
        try {
          checked = check(next.toString());
        } catch (ModelUrlRefusedException e) {
          throw new ModelUrlRefusedException(
              next.toString(), "a redirect to " + next + " was refused: " + e.getMessage());
        }
        continue;
      }
      if (status < 200 || status >= 300) {
        throw new ModelUrlRefusedException(
            checked.url().toString(), "the URL answered HTTP " + status);
      }
      return new Result(
          checked.url(),
          checked.host(),
          checked.addresses().get(0),
          answer.contentLength(),
          suggestedName(checked.url(), answer.contentDisposition()));
    }
  }

  private OutboundPolicy.Checked check(String url) {
    try {
      return policy.check(url);
    } catch (UrlNotAllowedException e) {
      throw new ModelUrlRefusedException(e.url(), e.getMessage());
    }
  }

  private static @Nullable String suggestedName(URI url, @Nullable String disposition) {
    if (disposition != null) {
      Matcher matcher = FILENAME.matcher(disposition);
      if (matcher.find()) {
        return URLDecoder.decode(matcher.group(1).trim(), StandardCharsets.UTF_8);
      }
    }
    String path = url.getPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return null;
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
