package io.gpufleet.api.chat;

import io.gpufleet.api.providers.ProfileOptions;
import io.gpufleet.api.providers.ProviderConnections;
import io.gpufleet.api.providers.ProviderProblem;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProfileModelRepository;
import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.providers.ProviderProfile;
import io.gpufleet.persistence.providers.ProviderProfileRepository;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * A request's target from its profile (or its provider's first enabled profile); for an Ollama
 * profile whose endpoint is {@code fleet}, the fleet's Ollama server picked for the model.
 */
@Component
class ProfileChatTargets implements ChatTargets {

  private final ProviderProfileRepository profiles;
  private final ProfileModelRepository models;
  private final ProviderConnections connections;

  ProfileChatTargets(
      ProviderProfileRepository profiles,
      ProfileModelRepository models,
      ProviderConnections connections) {
    this.profiles = profiles;
    this.models = models;
    this.connections = connections;
  }

  @Override
  public ChatTarget resolve(ChatViews.ChatRequest request) {
    ProviderProfile profile = profile(request);
    if (!profile.isEnabled()) {
      throw new ProviderProblem(
          HttpStatus.CONFLICT,
          ProviderProblem.PROFILE_DISABLED,
          "The profile " + profile.getName() + " is disabled");
    }
    if (!profile.getProvider().chats()) {
      // the connection says why
      connections.of(profile).chatModel();
    }
    List<ProfileModel> offered = models.findByProfileIdOrderByModel(profile.getId());
    String model = model(request, profile, offered);
    ProfileOptions options =
        ProfileOptions.fromJsonOrNone(profile.getOptions()).overriddenBy(request.options());
    // a fleet profile's call goes to the Ollama server that has the model (loaded, preferably)
    return new ChatTarget(
        profile,
        connections.forModel(profile, model),
        model,
        options,
        connections.apiKey(profile),
        price(offered, model).orElse(null));
  }

  private ProviderProfile profile(ChatViews.ChatRequest request) {
    if (request.profileId() != null) {
      return profiles
          .findById(request.profileId())
          .orElseThrow(() -> ProviderProblem.profileNotFound(request.profileId()));
    }
    if (request.provider() != null) {
      ProviderKind kind =
          ProviderKind.parse(request.provider())
              .orElseThrow(
                  () ->
                      ApiException.invalidField(
                          "provider", "must be one of ollama, openai, gemini, claude"));
      return profiles.findByProviderAndEnabledTrueOrderByCreatedAt(kind).stream()
          .findFirst()
          .orElseThrow(
              () ->
                  new ProviderProblem(
                      HttpStatus.NOT_FOUND,
                      ProviderProblem.PROFILE_NOT_FOUND,
                      "No enabled " + kind.id() + " profile is set up; an admin can add one"));
    }
    throw ApiException.invalidField("profileId", "or provider is required");
  }

  private static String model(
      ChatViews.ChatRequest request, ProviderProfile profile, List<ProfileModel> offered) {
    if (request.model() != null && !request.model().isBlank()) {
      return request.model().strip();
    }
    if (profile.getDefaultModel() != null) {
      return profile.getDefaultModel();
    }
    if (!offered.isEmpty()) {
      return offered.get(0).getModel();
    }
    throw ApiException.invalidField("model", "is required: the profile has no default model");
  }

  /** The price row of the model; Ollama's {@code name} and {@code name:latest} are one model. */
  private static Optional<ProfileModel> price(List<ProfileModel> offered, String model) {
    @Nullable String alias = model.contains(":") ? null : model + ":latest";
    return offered.stream()
        .filter(m -> m.getModel().equals(model) || m.getModel().equals(alias))
        .findFirst();
  }
}
