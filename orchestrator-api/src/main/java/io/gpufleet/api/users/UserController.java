package io.gpufleet.api.users;

import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.api.users.UserViews.ApiKeyView;
import io.gpufleet.api.users.UserViews.CreateApiKey;
import io.gpufleet.api.users.UserViews.CreateUser;
import io.gpufleet.api.users.UserViews.CreatedApiKey;
import io.gpufleet.api.users.UserViews.UpdateUser;
import io.gpufleet.api.users.UserViews.UserView;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Admins manage users and their API keys. */
@RestController
@RequestMapping("/api/v1")
@PreAuthorize("hasRole('ADMIN')")
class UserController {

  private final UserService service;

  UserController(UserService service) {
    this.service = service;
  }

  @GetMapping("/users")
  PageResponse<UserView> list(
      @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
    return PageResponse.of(
        service.list(PageRequests.of(page, size, Sort.by("username"))), UserView::of);
  }

  @PostMapping("/users")
  ResponseEntity<UserView> create(@Valid @RequestBody CreateUser request) {
    UserView created = UserView.of(service.create(request));
    return ResponseEntity.created(URI.create("/api/v1/users/" + created.id())).body(created);
  }

  @GetMapping("/users/{id}")
  UserView get(@PathVariable UUID id) {
    return UserView.of(service.get(id));
  }

  @PatchMapping("/users/{id}")
  UserView update(
      @PathVariable UUID id,
      @Valid @RequestBody UpdateUser request,
      @AuthenticationPrincipal AuthenticatedUser actor) {
    return UserView.of(service.update(id, request, actor));
  }

  @DeleteMapping("/users/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void deactivate(@PathVariable UUID id, @AuthenticationPrincipal AuthenticatedUser actor) {
    service.deactivate(id, actor);
  }

  @PostMapping("/users/{id}/api-keys")
  ResponseEntity<CreatedApiKey> createKey(
      @PathVariable UUID id, @Valid @RequestBody CreateApiKey request) {
    CreatedApiKey created = service.createKey(id, request);
    return ResponseEntity.status(HttpStatus.CREATED).body(created);
  }

  @GetMapping("/users/{id}/api-keys")
  List<ApiKeyView> keys(@PathVariable UUID id) {
    return service.keys(id).stream().map(ApiKeyView::of).toList();
  }

  @DeleteMapping("/api-keys/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void revokeKey(@PathVariable UUID id) {
    service.revokeKey(id);
  }
}
