package io.gpufleet.api.users;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Failed console logins ({@code gpufleet.login.*}).
 *
 * @param maxFailuresPerAccount failed logins of one username within the window before it is held
 * @param maxFailuresPerAddress failed logins from one client address within the window (behind a
 *     proxy, set {@code server.forward-headers-strategy} so that this is the client's)
 * @param window how far back failures count; a login is held until the oldest that counts ages out
 */
@ConfigurationProperties("gpufleet.login")
record LoginThrottleProperties(
    @DefaultValue("5") int maxFailuresPerAccount,
    @DefaultValue("20") int maxFailuresPerAddress,
    @DefaultValue("15m") Duration window) {

  LoginThrottleProperties {
    if (maxFailuresPerAccount < 1 || maxFailuresPerAddress < 1) {
      throw new IllegalArgumentException("gpufleet.login.max-failures-* must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("gpufleet.login.window must be positive");
    }
  }
}
