package io.gpufleet.api.generations;

import io.gpufleet.api.generations.GenerationSessions.SessionRequest;
import io.gpufleet.api.generations.GenerationSessions.SessionView;
import io.gpufleet.api.generations.UploadStore.UploadView;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.users.AuthenticatedUser;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /api/v1/uploads} (input images) and {@code /api/v1/sessions}. */
@RestController
class UploadAndSessionController {

  private final UploadStore uploads;
  private final GenerationSessions sessions;

  UploadAndSessionController(UploadStore uploads, GenerationSessions sessions) {
    this.uploads = uploads;
    this.sessions = sessions;
  }

  @PostMapping("/api/v1/uploads")
  ResponseEntity<UploadView> upload(
      @AuthenticationPrincipal AuthenticatedUser user,
      @RequestParam(name = "file", required = false) @Nullable MultipartFile file,
      @RequestParam(required = false) @Nullable UUID sessionId) {
    if (file == null || file.isEmpty()) {
      throw ApiException.invalidField("file", "a multipart part named file is required");
    }
    if (sessionId != null) {
      sessions.requireOwn(user, sessionId, "sessionId");
    }
    byte[] bytes;
    try {
      bytes = file.getBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    UploadView stored = uploads.store(user, sessionId, file.getOriginalFilename(), bytes);
    return ResponseEntity.created(URI.create("/api/v1/uploads/" + stored.id())).body(stored);
  }

  @GetMapping("/api/v1/uploads/{id}")
  UploadView upload(@AuthenticationPrincipal AuthenticatedUser user, @PathVariable UUID id) {
    return uploads.get(user, id);
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
    sessions.get(user, id);
    uploads.deleteSessionFiles(id);
    sessions.delete(user, id);
  }
}
