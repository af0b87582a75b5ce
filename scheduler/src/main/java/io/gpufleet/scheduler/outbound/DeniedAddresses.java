package io.gpufleet.scheduler.outbound;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the platform never calls unless an allowlist says so: every address that is not public
 * unicast (loopback, link-local with the cloud metadata address 169.254.169.254, private RFC 1918
 * and unique local IPv6 with AWS's fd00:ec2::254, CGNAT, multicast, unspecified, reserved, and IPv6
 * forms that carry one of those IPv4 addresses), and the cloud metadata host names.
 */
public final class DeniedAddresses {

  /** Names of cloud metadata services; refused whatever they resolve to. */
  static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata",
          "metadata.google.internal",
          "metadata.goog",
          "metadata.azure.internal",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.tencentyun.com",
          "metadata.platformequinix.com");

  private DeniedAddresses() {}

  /** Why a host name is refused whatever it resolves to, or null. */
  static @Nullable String deniedHostReason(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (METADATA_HOSTS.contains(h)) {
      return "the host " + h + " is a cloud metadata service";
    }
    return null;
  }

  /** Why an address is not a public unicast one, or null if it is. */
  public static @Nullable String nonPublicReason(InetAddress address) {
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
      if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && b[2] == 0 && b[3] == 0) {
        return "a Teredo address (it tunnels to an IPv4 address)";
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
