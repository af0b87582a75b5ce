package io.gpufleet.api.users;

import io.gpufleet.persistence.users.RateLimitOverrides;
import io.gpufleet.persistence.users.Role;
import io.gpufleet.persistence.users.UserAccount;
import java.security.Principal;
import java.util.List;
import java.util.UUID;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * Who is calling: the principal of every authenticated request. A {@link Principal}, so that Spring
 * Security names it by its username instead of printing the whole record on every call.
 */
public record AuthenticatedUser(UUID id, String username, Role role, RateLimitOverrides limits)
    implements Principal {

  @Override
  public String getName() {
    return username;
  }

  public static AuthenticatedUser of(UserAccount account) {
    return new AuthenticatedUser(
        account.getId(), account.getUsername(), account.getRole(), account.getLimits());
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  public List<GrantedAuthority> authorities() {
    return List.of(new SimpleGrantedAuthority("ROLE_" + role.name()));
  }
}
