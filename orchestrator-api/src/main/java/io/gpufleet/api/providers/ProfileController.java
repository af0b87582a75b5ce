package io.gpufleet.api.providers;

import io.gpufleet.api.providers.ProfileViews.AddModel;
import io.gpufleet.api.providers.ProfileViews.CreateProfile;
import io.gpufleet.api.providers.ProfileViews.ModelView;
import io.gpufleet.api.providers.ProfileViews.ProfileView;
import io.gpufleet.api.providers.ProfileViews.SyncResult;
import io.gpufleet.api.providers.ProfileViews.TestResult;
import io.gpufleet.api.providers.ProfileViews.TestSettings;
import io.gpufleet.api.providers.ProfileViews.UpdateModel;
import io.gpufleet.api.providers.ProfileViews.UpdateProfile;
import io.gpufleet.api.system.PageRequests;
import io.gpufleet.api.system.PageResponse;
import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.providers.ProviderProfile;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Sort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
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

/**
 * Provider profiles, for admins: CRUD, connection tests, and the models each offers with their
 * prices. Seed 004's {@code /settings/:provider} calls map onto these (see docs/llm.md).
 */
@RestController
@RequestMapping("/api/v1/profiles")
@PreAuthorize("hasRole('ADMIN')")
class ProfileController {

  private final ProfileService service;
  private final ProfileChecks checks;

  ProfileController(ProfileService service, ProfileChecks checks) {
    this.service = service;
    this.checks = checks;
  }

  @GetMapping
  PageResponse<ProfileView> list(
      @RequestParam(required = false) @Nullable String provider,
      @RequestParam(defaultValue = "0") int page,
      @RequestParam(defaultValue = "50") int size) {
    return PageResponse.of(
        service.list(
            provider == null ? null : ProfileService.provider(provider),
            PageRequests.of(page, size, Sort.by("name"))),
        this::view);
  }

  @PostMapping
  ResponseEntity<ProfileView> create(@Valid @RequestBody CreateProfile request) {
    ProviderProfile profile = service.create(request);
    return ResponseEntity.created(URI.create("/api/v1/profiles/" + profile.getId()))
        .body(view(profile));
  }

  @GetMapping("/{id}")
  ProfileView get(@PathVariable UUID id) {
    return view(service.get(id));
  }

  @PatchMapping("/{id}")
  ProfileView update(@PathVariable UUID id, @Valid @RequestBody UpdateProfile request) {
    return view(service.update(id, request));
  }

  @DeleteMapping("/{id}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void delete(@PathVariable UUID id) {
    service.delete(id);
  }

  @PostMapping("/{id}/test")
  TestResult test(@PathVariable UUID id) {
    return checks.test(id);
  }

  /** Tries settings before saving them; nothing is stored. */
  @PostMapping("/test")
  TestResult testSettings(@Valid @RequestBody TestSettings settings) {
    ProviderKind provider = ProfileService.provider(settings.provider());
    return checks.test(
        new ConnectionSpec(
            provider,
            ProfileService.endpoint(settings.endpoint(), provider),
            ProfileService.blankToNull(settings.apiKey()),
            ProfileOptions.none().timeout()));
  }

  @GetMapping("/{id}/models")
  List<ModelView> models(@PathVariable UUID id) {
    service.get(id);
    return service.models(id).stream().map(ModelView::of).toList();
  }

  @PostMapping("/{id}/models")
  ResponseEntity<ModelView> addModel(@PathVariable UUID id, @Valid @RequestBody AddModel request) {
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(ModelView.of(service.addModel(id, request)));
  }

  @PostMapping("/{id}/models/sync")
  SyncResult sync(@PathVariable UUID id) {
    return checks.sync(id);
  }

  /** The models an Ollama profile holds in memory now, and until when. */
  @GetMapping("/{id}/models/loaded")
  List<OllamaManagement.LoadedModel> loaded(@PathVariable UUID id) {
    return checks.loaded(id);
  }

  /** Loads a model of an Ollama profile now and keeps it for {@code keepAlive} (default 5m). */
  @PostMapping("/{id}/models/load")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void load(@PathVariable UUID id, @Valid @RequestBody ProfileViews.KeepAlive request) {
    checks.keepAlive(id, request.model(), request.keepAlive() == null ? "5m" : request.keepAlive());
  }

  @PostMapping("/{id}/models/unload")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void unload(@PathVariable UUID id, @Valid @RequestBody ProfileViews.KeepAlive request) {
    checks.keepAlive(id, request.model(), "0");
  }

  /** Model names may hold slashes ({@code hf.co/org/model:tag}); the rest of the path is one. */
  @PatchMapping("/{id}/models/{*model}")
  ModelView updateModel(
      @PathVariable UUID id, @PathVariable String model, @Valid @RequestBody UpdateModel request) {
    return ModelView.of(service.updateModel(id, strip(model), request));
  }

  @DeleteMapping("/{id}/models/{*model}")
  @ResponseStatus(HttpStatus.NO_CONTENT)
  void removeModel(@PathVariable UUID id, @PathVariable String model) {
    service.removeModel(id, strip(model));
  }

  private ProfileView view(ProviderProfile profile) {
    return ProfileView.of(
        profile,
        service.models(profile.getId()),
        new ConnectionSpec(
                profile.getProvider(), profile.getEndpoint(), null, ProfileOptions.none().timeout())
            .baseUrl());
  }

  private static String strip(String capture) {
    return capture.startsWith("/") ? capture.substring(1) : capture;
  }
}
