package io.gpufleet.scheduler.outbound;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address range such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a /32 or /128.
 */
public record Cidr(InetAddress network, int prefix) {

  public Cidr {
    int bits = network.getAddress().length * 8;
    if (prefix < 0 || prefix > bits) {
      throw new IllegalArgumentException("prefix /" + prefix + " does not fit " + network);
    }
  }

  /**
   * Parses {@code address[/prefix]}; only literals, no DNS lookup.
   *
   * @throws IllegalArgumentException if it is not one
   */
  public static Cidr parse(String text) {
    String trimmed = text.trim();
    int slash = trimmed.indexOf('/');
    String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
    if (!address.contains(":") && !address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
      throw new IllegalArgumentException("not an address range: " + text);
    }
    InetAddress network;
    try {
      network = InetAddress.getByName(address.replace("[", "").replace("]", ""));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address range: " + text, e);
    }
    int bits = network.getAddress().length * 8;
    int prefix;
    try {
      prefix = slash < 0 ? bits : Integer.parseInt(trimmed.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an address range: " + text, e);
    }
    return new Cidr(network, prefix);
  }

  /** Whether {@code address} lies in this range (an IPv4 range never holds an IPv6 address). */
  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    byte[] n = network.getAddress();
    if (a.length != n.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != n[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (n[full] & mask);
  }

  @Override
  public String toString() {
    String host = network.getHostAddress();
    return (network instanceof Inet4Address ? host : host.replaceAll("%.*", "")) + "/" + prefix;
  }
}
