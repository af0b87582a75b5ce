package io.gpufleet.api.chat;

import io.gpufleet.api.ratelimits.Band;
import io.gpufleet.api.ratelimits.RateLimitHeaders;
import io.gpufleet.api.ratelimits.RateLimiter;
import io.gpufleet.api.users.AuthenticatedUser;
import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProfileModelRepository;
import io.gpufleet.persistence.providers.ProviderProfile;
import io.gpufleet.persistence.providers.ProviderProfileRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/chat}: any user with a key, under their chat bands. {@code stream: true}
 * answers {@code text/event-stream}; otherwise one JSON answer.
 */
@RestController
class ChatController {

  private final ChatTargets targets;
  private final ChatService service;
  private final ChatStreamer streamer;
  private final RateLimiter limiter;
  private final ProviderProfileRepository profiles;
  private final ProfileModelRepository models;

  ChatController(
      ChatTargets targets,
      ChatService service,
      ChatStreamer streamer,
      RateLimiter limiter,
      ProviderProfileRepository profiles,
      ProfileModelRepository models) {
    this.targets = targets;
    this.service = service;
    this.streamer = streamer;
    this.limiter = limiter;
    this.profiles = profiles;
    this.models = models;
  }

  @PostMapping("/api/v1/chat")
  ResponseEntity<?> chat(
      @AuthenticationPrincipal AuthenticatedUser user,
      @Valid @RequestBody ChatViews.ChatRequest request,
      HttpServletRequest http,
      HttpServletResponse response) {
    RateLimitHeaders.enforce(response, limiter.consume(user, Band.Kind.CHAT));
    ChatTarget target = targets.resolve(request);
    if (request.streamed()) {
      return ResponseEntity.ok()
          .contentType(MediaType.TEXT_EVENT_STREAM)
          .header("Cache-Control", "no-cache")
          .header("X-Accel-Buffering", "no")
          .body(streamer.stream(user.id(), target, request, http.getRequestURI()));
    }
    return ResponseEntity.ok(service.call(user.id(), target, request));
  }

  /** The enabled profiles that chat, with their models: what a user can pick from. */
  @GetMapping("/api/v1/chat/profiles")
  @Transactional(readOnly = true)
  List<ChatViews.ChatProfile> profiles() {
    List<ProviderProfile> enabled =
        profiles.findByEnabledTrueOrderByName().stream()
            .filter(p -> p.getProvider().chats())
            .toList();
    Map<UUID, List<ProfileModel>> byProfile =
        models
            .findByProfileIdInOrderByModel(enabled.stream().map(ProviderProfile::getId).toList())
            .stream()
            .collect(Collectors.groupingBy(ProfileModel::getProfileId));
    return enabled.stream()
        .map(
            p ->
                new ChatViews.ChatProfile(
                    p.getId(),
                    p.getName(),
                    p.getProvider().id(),
                    p.getDefaultModel(),
                    byProfile.getOrDefault(p.getId(), List.of()).stream()
                        .map(
                            m ->
                                new ChatViews.ChatModelView(
                                    m.getModel(), m.getDisplayName(), m.isVision()))
                        .toList()))
        .toList();
  }
}
