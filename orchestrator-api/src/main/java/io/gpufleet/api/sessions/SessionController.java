package io.gpufleet.api.sessions;

import io.gpufleet.api.sessions.GenerationSessions.SessionRequest;
import io.gpufleet.api.sessions.GenerationSessions.SessionView;
import io.gpufleet.api.users.AuthenticatedUser;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/v1/sessions}: the caller's sessions (everyone's for admins). */
@RestController
class SessionController {

  private final GenerationSessions sessions;

  SessionController(GenerationSessions sessions) {
    this.sessions = sessions;
  }

  @GetMapping("/api/v1/sessions")
  List<SessionView> sessions(@AuthenticationPrincipal AuthenticatedUser user) {
    return sessions.list(user);
  }

  @PostMapping("/api/v1/sessions")
  ResponseEntity<SessionView> create(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestBody(required = false) @Nullable SessionRequest request) {
    SessionView created = sessions.create(user, request == null ? null : request.name());
    return ResponseEntity.created(URI.create("/api/v1/sessions/" + created.id())).body(created);
  }

  @GetMapping("/api/v1/sessions/{id}")
  SessionView session(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return sessions.get(user, id);
  }

  @PatchMapping("/api/v1/sessions/{id}")
  SessionView rename(
      @AuthenticationPrincipal AuthenticatedUser user,
      @PathVariable UUID id,
      @RequestBody SessionRequest request) {
    return sessions.rename(user, id, request.name());
  }

  @DeleteMapping("/api/v1/sessions/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    sessions.delete(user, id);
  }
}
