package io.gpufleet.scheduler.setup;

import java.security.KeyPair;
import java.util.Objects;

/** Where and as whom a script runs. The key never appears in {@link #toString()}. */
public record SshTarget(String host, int port, String user, KeyPair keyPair) {

  public SshTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(keyPair, "keyPair");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** As {@code root}, the user of Vast.ai instances. */
  public static SshTarget root(String host, int port, KeyPair keyPair) {
    return new SshTarget(host, port, "root", keyPair);
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port;
  }
}
