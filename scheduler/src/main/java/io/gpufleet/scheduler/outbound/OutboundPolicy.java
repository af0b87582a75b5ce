package io.gpufleet.scheduler.outbound;

import java.net.InetAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.Dns;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Whether the platform may call a URL for one use: the scheme and port the use allows, a host on
 * its allowlist (if it has one), and every address the host resolves to public — or inside the
 * use's allowed ranges, or one of the platform's {@link OwnEndpoints}. The addresses checked are
 * returned, and {@link Checked#pin(OkHttpClient)} makes a client that connects only to them, so a
 * second DNS answer cannot point elsewhere; such a client follows no redirect by itself.
 *
 * <p>IP literals are accepted only as dotted quads and bracketed IPv6 ({@code 127.1}, {@code
 * 2130706433} and {@code 0x7f.1} are refused however a resolver would read them).
 */
public final class OutboundPolicy {

  private static final Pattern HOST_NAME =
      Pattern.compile(
          "[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?)*");
  private static final Pattern DOTTED_QUAD =
      Pattern.compile(
          "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]"
              + "|1[0-9][0-9]|[1-9]?[0-9])){3}");

  private final OutboundRules rules;
  private final HostResolver resolver;
  private final OwnEndpoints own;

  public OutboundPolicy(OutboundRules rules, HostResolver resolver, OwnEndpoints own) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.own = Objects.requireNonNull(own, "own");
  }

  public OutboundRules rules() {
    return rules;
  }

  /** A URL that passed, with the addresses its host resolved to (each one allowed). */
  public record Checked(URI url, String host, int port, List<InetAddress> addresses) {
    public Checked {
      addresses = List.copyOf(addresses);
      if (addresses.isEmpty()) {
        throw new IllegalArgumentException("no addresses");
      }
    }

    /** A DNS that answers only the checked host, and only with the checked addresses. */
    public Dns dns() {
      return name -> {
        if (name.equalsIgnoreCase(host)) {
          return addresses;
        }
        throw new UnknownHostException(name + " was not checked by the outbound policy");
      };
    }

    /**
     * {@code base} made to connect only to the checked addresses, with no proxy (a proxy would
     * resolve the name again) and no redirects followed (each must be checked first).
     */
    public OkHttpClient pin(OkHttpClient base) {
      return base.newBuilder()
          .dns(dns())
          .proxy(Proxy.NO_PROXY)
          .followRedirects(false)
          .followSslRedirects(false)
          .build();
    }
  }

  /**
   * Checks {@code url}, resolving its host.
   *
   * @throws UrlNotAllowedException with the reason, if the URL may not be called
   */
  public Checked check(String url) {
    return check(parse(url));
  }

  /** As {@link #check(String)}. */
  public Checked check(URI uri) {
    Target target = checkWithoutResolving(uri);
    if (target.literal() != null) {
      return new Checked(uri, target.host(), target.port(), List.of(target.literal()));
    }
    List<InetAddress> addresses = resolve(uri.toString(), target.host(), target.port());
    return new Checked(uri, target.host(), target.port(), addresses);
  }

  /**
   * Checks an address that is not a URL (an SSH endpoint): a host name or IP literal and a port.
   *
   * @throws UrlNotAllowedException with the reason
   */
  public Checked checkAddress(String host, int port) {
    HostCheck checked = checkHost(host, host, port);
    String bare = checked.host();
    URI uri = URI.create("ssh://" + (bare.contains(":") ? "[" + bare + "]" : bare) + ":" + port);
    if (checked.literal() != null) {
      return new Checked(uri, bare, port, List.of(checked.literal()));
    }
    return new Checked(uri, bare, port, resolve(host, bare, port));
  }

  /** What a URL names, checked as far as it can be without DNS. */
  public record Target(URI url, String host, int port, @Nullable InetAddress literal) {}

  /**
   * The checks that need no DNS: scheme, credentials, port, the host's form and the allowlist. A
   * literal address is checked too (it is known).
   *
   * @throws UrlNotAllowedException with the reason
   */
  public Target checkWithoutResolving(URI uri) {
    String url = uri.toString();
    if (!uri.isAbsolute() || uri.getScheme() == null) {
      throw new UrlNotAllowedException(url, "not an absolute URL");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!rules.schemes().contains(scheme)) {
      throw new UrlNotAllowedException(
          url,
          "only "
              + String.join(" or ", rules.schemes().stream().sorted().toList())
              + " URLs are allowed, not "
              + uri.getScheme());
    }
    if (uri.getHost() == null || uri.getRawAuthority() == null) {
      throw new UrlNotAllowedException(url, "the URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new UrlNotAllowedException(url, "URLs with credentials are not allowed");
    }
    int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
    if (!rules.ports().isEmpty() && !rules.ports().contains(port)) {
      List<String> ports = rules.ports().stream().sorted().map(String::valueOf).toList();
      throw new UrlNotAllowedException(
          url,
          ports.size() == 1
              ? "only the port " + ports.get(0) + " is allowed"
              : "only the ports " + String.join(", ", ports) + " are allowed");
    }
    // the client connects to what OkHttp reads as the host: both parsers must agree on it
    HostCheck checked = checkHost(url, uri.getHost(), port);
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null || !sameHost(checked, normalized(parsed.host()))) {
      throw new UrlNotAllowedException(url, "the URL's host is ambiguous");
    }
    return new Target(uri, checked.host(), port, checked.literal());
  }

  private record HostCheck(String host, @Nullable InetAddress literal) {}

  private static boolean sameHost(HostCheck ours, String theirs) {
    if (ours.literal() == null) {
      return ours.host().equals(theirs);
    }
    try {
      return theirs.matches("[0-9a-f.:]+") && InetAddress.getByName(theirs).equals(ours.literal());
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private HostCheck checkHost(String url, String rawHost, int port) {
    String host = normalized(rawHost);
    String denied = DeniedAddresses.deniedHostReason(host);
    if (denied != null) {
      throw new UrlNotAllowedException(url, denied);
    }
    boolean bracketed = host.startsWith("[");
    String bare = bracketed ? host.substring(1, host.length() - 1) : host;
    if (bracketed || bare.contains(":") || DOTTED_QUAD.matcher(bare).matches()) {
      InetAddress literal = literal(url, bare);
      refuseIfDenied(url, bare, literal, port);
      if (!rules.ipLiterals()) {
        throw new UrlNotAllowedException(url, "IP addresses are not allowed; use a host name");
      }
      if (!rules.allowedHosts().isEmpty() && !inAllowedRange(literal)) {
        throw new UrlNotAllowedException(
            url, "only the hosts " + rules.allowedHosts() + " are allowed, not " + bare);
      }
      return new HostCheck(bare, literal);
    }
    if (looksNumeric(bare)) {
      // 127.1, 2130706433, 0x7f.1, 0177.0.0.1: resolvers read all of these as addresses
      throw new UrlNotAllowedException(
          url, "IP addresses are allowed only as a dotted quad or in [brackets]: " + bare);
    }
    if (!HOST_NAME.matcher(bare).matches()) {
      throw new UrlNotAllowedException(url, "not a valid host name: " + bare);
    }
    if (!rules.hostAllowed(bare)) {
      throw new UrlNotAllowedException(
          url, "the host " + bare + " is not allowed (allowed: " + rules.allowedHosts() + ")");
    }
    return new HostCheck(bare, null);
  }

  private List<InetAddress> resolve(String url, String host, int port) {
    List<InetAddress> addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new UrlNotAllowedException(url, "the host " + host + " does not resolve", true);
    }
    if (addresses.isEmpty()) {
      throw new UrlNotAllowedException(url, "the host " + host + " does not resolve", true);
    }
    for (InetAddress address : addresses) {
      refuseIfDenied(url, host, address, port);
    }
    return addresses;
  }

  /**
   * A DNS for a client that makes many calls to one port over time (a registered server's ComfyUI):
   * every lookup resolves once and answers only if each address is allowed, so the address
   * connected to is the one checked. Literal hosts never reach a DNS: check them with {@link
   * #checkWithoutResolving} first.
   */
  public Dns dns(int port) {
    return host -> {
      try {
        return resolve(host, normalized(host), port);
      } catch (UrlNotAllowedException e) {
        UnknownHostException refused = new UnknownHostException(e.getMessage());
        refused.initCause(e);
        throw refused;
      }
    };
  }

  private void refuseIfDenied(String url, String host, InetAddress address, int port) {
    String why = DeniedAddresses.nonPublicReason(address);
    if (why == null || inAllowedRange(address) || own.owns(address, port)) {
      return;
    }
    String shown = address.getHostAddress();
    throw new UrlNotAllowedException(
        url,
        host.equals(shown) || host.equals("[" + shown + "]")
            ? shown + " is " + why
            : host + " resolves to " + shown + ", " + why);
  }

  private boolean inAllowedRange(InetAddress address) {
    for (Cidr cidr : rules.allowedCidrs()) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static URI parse(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new UrlNotAllowedException(url, "not a valid URL: " + e.getReason());
    }
  }

  private static String normalized(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static InetAddress literal(String url, String text) {
    try {
      // a literal: no DNS lookup happens
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new UrlNotAllowedException(url, "not a valid IP address: " + text);
    }
  }

  private static boolean looksNumeric(String host) {
    // the last label of a real host name is a TLD, never numeric or hexadecimal-prefixed
    String last = host.substring(host.lastIndexOf('.') + 1);
    return last.isEmpty()
        || Character.isDigit(last.charAt(0))
        || host.matches("[0-9a-fx.]+") && host.contains("0x");
  }
}
