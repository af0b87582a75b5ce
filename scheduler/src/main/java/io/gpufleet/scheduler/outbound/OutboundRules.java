package io.gpufleet.scheduler.outbound;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What one use of outbound calls may reach, beyond the denied ranges that hold for all.
 *
 * @param use the use's name, as in {@code gpufleet.outbound.<use>} and in refusals
 * @param schemes the URL schemes allowed
 * @param ports the ports allowed; empty = any
 * @param ipLiterals whether a URL may name an IP address instead of a host name
 * @param allowedHosts if not empty, the only host names that may be called ({@code *.} matches
 *     subdomains, not the apex); an IP literal then passes only inside {@code allowedCidrs}
 * @param allowedCidrs ranges that may be called although they are denied (a LAN of ComfyUIs)
 */
public record OutboundRules(
    String use,
    Set<String> schemes,
    Set<Integer> ports,
    boolean ipLiterals,
    List<String> allowedHosts,
    List<Cidr> allowedCidrs) {

  public OutboundRules {
    schemes = Set.copyOf(schemes);
    ports = Set.copyOf(ports);
    allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
    allowedCidrs = List.copyOf(allowedCidrs);
  }

  /** Webhooks: http or https on any port, to any public host unless the allowlist narrows it. */
  public static OutboundRules webhooks(OutboundSettings.Allowlist allow) {
    return new OutboundRules(
        "webhooks", Set.of("http", "https"), Set.of(), true, allow.allowedHosts(), allow.cidrs());
  }

  /** Registered servers' ComfyUI and SSH: as webhooks (a LAN needs its range allowed). */
  public static OutboundRules servers(OutboundSettings.Allowlist allow) {
    return new OutboundRules(
        "servers", Set.of("http", "https"), Set.of(), true, allow.allowedHosts(), allow.cidrs());
  }

  /** Model downloads: https on 443 only, host names only, from the allowed hosts. */
  public static OutboundRules models(OutboundSettings.Allowlist allow) {
    return new OutboundRules(
        "models",
        Set.of("https"),
        Set.of(443),
        false,
        allow.allowedHosts().isEmpty()
            ? OutboundSettings.DEFAULT_MODEL_HOSTS
            : allow.allowedHosts(),
        allow.cidrs());
  }

  /** Whether a host name is on {@link #allowedHosts} (true when that list is empty). */
  public boolean hostAllowed(String host) {
    return allowedHosts.isEmpty() || matches(host, allowedHosts);
  }

  /** Whether {@code host} matches one of the patterns ({@code *.} for subdomains). */
  public static boolean matches(String host, List<String> patterns) {
    String h = host.toLowerCase(Locale.ROOT);
    for (String entry : patterns) {
      String e = entry.trim().toLowerCase(Locale.ROOT);
      if (e.startsWith("*.")) {
        if (h.endsWith(e.substring(1)) && h.length() > e.length() - 1) {
          return true;
        }
      } else if (h.equals(e)) {
        return true;
      }
    }
    return false;
  }
}
