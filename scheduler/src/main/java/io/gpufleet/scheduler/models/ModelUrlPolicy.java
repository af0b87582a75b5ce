package io.gpufleet.scheduler.models;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which URLs a server may be told to download from: https only, on the default port, from a host on
 * the allow list, and only if every address the host resolves to is public. The addresses checked
 * are returned, so that the fetch is pinned to them and a second DNS answer cannot point elsewhere.
 *
 * <p>Allow-list entries are host names ({@code huggingface.co}) or {@code *.} suffixes ({@code
 * *.hf.co} matches {@code cdn-lfs.hf.co}, not {@code hf.co}). IP literals never match one.
 */
public final class ModelUrlPolicy {

  private static final Pattern HOST_NAME =
      Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private final List<String> allowedHosts;
  private final HostResolver resolver;

  public ModelUrlPolicy(List<String> allowedHosts, HostResolver resolver) {
    this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** A URL that passed, with the addresses its host resolved to (all public). */
  public record Checked(URI url, String host, List<InetAddress> addresses) {
    public Checked {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("no addresses");
      }
    }
  }

  /**
   * Checks {@code url}.
   *
   * @throws ModelUrlRefusedException with the reason, if the URL may not be fetched
   */
  public Checked check(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ModelUrlRefusedException(url, "not a valid URL: " + e.getReason());
    }
    return check(uri);
  }

  public Checked check(URI uri) {
    String url = uri.toString();
    if (!uri.isAbsolute() || uri.getScheme() == null) {
      throw new ModelUrlRefusedException(url, "not an absolute URL");
    }
    if (!uri.getScheme().equalsIgnoreCase("https")) {
      throw new ModelUrlRefusedException(
          url, "only https URLs are allowed, not " + uri.getScheme());
    }
    String rawHost = uri.getHost();
    if (rawHost == null || uri.getRawAuthority() == null) {
      throw new ModelUrlRefusedException(url, "the URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new ModelUrlRefusedException(url, "URLs with credentials are not allowed");
    }
    if (uri.getPort() != -1 && uri.getPort() != 443) {
      throw new ModelUrlRefusedException(url, "only the https port 443 is allowed");
    }
    String host = rawHost.toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.startsWith("[")) {
      InetAddress literal = literal(url, host.substring(1, host.length() - 1));
      refuseIfNotPublic(url, host, literal);
      throw new ModelUrlRefusedException(url, "IP addresses are not allowed; use a host name");
    }
    if (looksNumeric(host)) {
      // 127.1, 2130706433, 0x7f.1, 0177.0.0.1: resolvers read all of these as addresses
      if (isDottedQuad(host)) {
        refuseIfNotPublic(url, host, literal(url, host));
      }
      throw new ModelUrlRefusedException(url, "IP addresses are not allowed; use a host name");
    }
    if (!HOST_NAME.matcher(host).matches()) {
      throw new ModelUrlRefusedException(url, "not a valid host name: " + host);
    }
    if (!allowed(host)) {
      throw new ModelUrlRefusedException(
          url, "the host " + host + " is not allowed (allowed: " + allowedHosts + ")");
    }
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new ModelUrlRefusedException(url, "the host " + host + " does not resolve");
    }
    if (addresses.isEmpty()) {
      throw new ModelUrlRefusedException(url, "the host " + host + " does not resolve");
    }
    for (InetAddress address : addresses) {
      refuseIfNotPublic(url, host, address);
    }
    return new Checked(uri, host, addresses);
  }

  boolean allowed(String host) {
    for (String entry : allowedHosts) {
      if (entry.startsWith("*.")) {
        if (host.endsWith(entry.substring(1)) && host.length() > entry.length() - 1) {
          return true;
        }
      } else if (host.equals(entry)) {
        return true;
      }
    }
    return false;
  }

  private static void refuseIfNotPublic(String url, String host, InetAddress address) {
    String why = nonPublicReason(address);
    if (why != null) {
      throw new ModelUrlRefusedException(
          url, host + " resolves to " + address.getHostAddress() + ", " + why);
    }
  }

  private static InetAddress literal(String url, String text) {
    try {
      // a literal: no DNS lookup happens
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new ModelUrlRefusedException(url, "not a valid IP address: " + text);
    }
  }

  private static boolean looksNumeric(String host) {
    // the last label of a real host name is a TLD, never numeric or hexadecimal-prefixed
    String last = host.substring(host.lastIndexOf('.') + 1);
    return last.isEmpty()
        || Character.isDigit(last.charAt(0))
        || host.matches("[0-9a-fx.]+") && host.contains("0x");
  }

  private static boolean isDottedQuad(String host) {
    return host.matches(
        "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]"
            + "|1[0-9][0-9]|[1-9]?[0-9])){3}");
  }

  /** Why an address is not a public unicast one, or null if it is. */
  static @Nullable String nonPublicReason(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Reason(b, 0);
    }
    if (address instanceof Inet6Address) {
      if (allZero(b, 0, 16)) {
        return "the unspecified address";
      }
      if (allZero(b, 0, 15) && b[15] == 1) {
        return "a loopback address";
      }
      // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d carry an IPv4 address
      if (allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        return mapped(ipv4Reason(b, 12));
      }
      if (allZero(b, 0, 12)) {
        return mapped(ipv4Reason(b, 12));
      }
      // NAT64 64:ff9b::/96 and 6to4 2002::/16 reach IPv4 addresses too
      if ((b[0] & 0xff) == 0x00
          && (b[1] & 0xff) == 0x64
          && (b[2] & 0xff) == 0xff
          && (b[3] & 0xff) == 0x9b
          && allZero(b, 4, 12)) {
        return mapped(ipv4Reason(b, 12));
      }
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
        return mapped(ipv4Reason(b, 2));
      }
      if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "a link-local address";
      }
      if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return "a site-local address";
      }
      if ((b[0] & 0xfe) == 0xfc) {
        return "a unique local (private) address";
      }
      if ((b[0] & 0xff) == 0xff) {
        return "a multicast address";
      }
      return null;
    }
    return "not an IP address";
  }

  private static @Nullable String mapped(@Nullable String reason) {
    return reason == null ? null : reason + " (IPv4 inside IPv6)";
  }

  private static @Nullable String ipv4Reason(byte[] b, int at) {
    int a = b[at] & 0xff;
    int c = b[at + 1] & 0xff;
    if (a == 0) {
      return "in 0.0.0.0/8 (this network)";
    }
    if (a == 127) {
      return "a loopback address";
    }
    if (a == 10 || (a == 172 && (c & 0xf0) == 16) || (a == 192 && c == 168)) {
      return "a private address";
    }
    if (a == 169 && c == 254) {
      return "a link-local address (cloud metadata lives there)";
    }
    if (a == 100 && (c & 0xc0) == 64) {
      return "a shared (CGNAT) address";
    }
    if (a == 198 && (c & 0xfe) == 18) {
      return "a benchmarking address";
    }
    if (a == 192 && c == 0 && (b[at + 2] & 0xff) == 0) {
      return "an IETF protocol address";
    }
    if (a >= 224 && a <= 239) {
      return "a multicast address";
    }
    if (a >= 240) {
      return "a reserved address";
    }
    return null;
  }

  private static boolean allZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
