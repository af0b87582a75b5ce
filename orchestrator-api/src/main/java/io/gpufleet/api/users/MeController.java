package io.gpufleet.api.users;

import io.gpufleet.persistence.users.Role;
import java.util.UUID;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Who am I, as the platform sees the caller. */
@RestController
class MeController {

  @GetMapping("/api/v1/me")
  Me me(@AuthenticationPrincipal AuthenticatedUser user) {
    return Me.of(user);
  }

  record Me(UUID id, String username, Role role) {
    static Me of(AuthenticatedUser user) {
      return new Me(user.id(), user.username(), user.role());
    }
  }
}
