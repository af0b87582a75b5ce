package io.gpufleet.api.users;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * An unknown user, a disabled one and a wrong password each cost one password check, so that how
 * long a login takes tells nothing about which accounts exist.
 */
class LoginWorkTest {

  private final PasswordEncoder real = new SecurityConfiguration().passwordEncoder();
  private final AtomicInteger checks = new AtomicInteger();
  private final PasswordEncoder counting =
      new PasswordEncoder() {
        @Override
        public String encode(CharSequence raw) {
          return real.encode(raw);
        }

        @Override
        public boolean matches(CharSequence raw, String encoded) {
          checks.incrementAndGet();
          return real.matches(raw, encoded);
        }
      };
  private final String hash = real.encode("right");
  private final UserDetailsService users =
      name -> {
        if (name.equals("alice")) {
          return User.withUsername("alice").password(hash).roles("ADMIN").build();
        }
        if (name.equals("bob")) {
          return User.withUsername("bob").password(hash).roles("ADMIN").disabled(true).build();
        }
        throw new UsernameNotFoundException("No such user");
      };
  private final AuthenticationManager manager =
      new SecurityConfiguration().authenticationManager(users, counting);

  private void login(String user, String password) {
    manager.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(user, password));
  }

  @Test
  void everyFailedLoginChecksOnePassword() {
    assertThatThrownBy(() -> login("alice", "wrong")).isInstanceOf(BadCredentialsException.class);
    assertThat(checks.getAndSet(0)).isEqualTo(1);

    assertThatThrownBy(() -> login("mallory", "wrong")).isInstanceOf(BadCredentialsException.class);
    assertThat(checks.getAndSet(0)).isEqualTo(1);

    assertThatThrownBy(() -> login("bob", "wrong")).isInstanceOf(BadCredentialsException.class);
    assertThat(checks.getAndSet(0)).isEqualTo(1);

    // only with the right password does a disabled account say so (and the API answers 401 alike)
    assertThatThrownBy(() -> login("bob", "right")).isInstanceOf(DisabledException.class);
    assertThat(checks.getAndSet(0)).isEqualTo(1);
  }
}
