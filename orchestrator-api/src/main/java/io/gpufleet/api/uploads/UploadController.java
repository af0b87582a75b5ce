package io.gpufleet.api.uploads;

import io.gpufleet.api.sessions.GenerationSessions;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.api.uploads.UploadStore.UploadView;
import io.gpufleet.api.users.AuthenticatedUser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code /api/v1/uploads}: input images, in a session of the caller's or in none. */
@RestController
class UploadController {

  private final UploadStore uploads;
  private final GenerationSessions sessions;

  UploadController(UploadStore uploads, GenerationSessions sessions) {
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
}
