package io.gpufleet.api.users;

import io.gpufleet.persistence.users.UserAccount;
import io.gpufleet.persistence.users.UserRepository;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.stereotype.Service;

/** Passwords are checked against the users table; there is no in-memory fallback user. */
@Service
class AccountUserDetailsService implements UserDetailsService {

  private final UserRepository users;

  AccountUserDetailsService(UserRepository users) {
    this.users = users;
  }

  @Override
  public UserDetails loadUserByUsername(String username) {
    UserAccount account =
        users
            .findByUsernameIgnoreCase(username)
            .filter(found -> found.getPasswordHash() != null)
            .orElseThrow(() -> new UsernameNotFoundException("No such user"));
    return User.withUsername(account.getUsername())
        .password(account.getPasswordHash())
        .disabled(!account.isEnabled())
        .authorities(AuthenticatedUser.of(account).authorities())
        .build();
  }
}
