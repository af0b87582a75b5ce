package io.gpufleet.api.providers;

import io.gpufleet.api.providers.ProfileViews.AddModel;
import io.gpufleet.api.providers.ProfileViews.CreateProfile;
import io.gpufleet.api.providers.ProfileViews.UpdateModel;
import io.gpufleet.api.providers.ProfileViews.UpdateProfile;
import io.gpufleet.api.system.ApiException;
import io.gpufleet.persistence.providers.ProfileModel;
import io.gpufleet.persistence.providers.ProfileModelRepository;
import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.providers.ProviderProfile;
import io.gpufleet.persistence.providers.ProviderProfileRepository;
import io.gpufleet.scheduler.secrets.SecretBox;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.Pageable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Creating, changing and removing profiles and their models; keys are sealed on the way in. */
@Service
public class ProfileService {

  private final ProviderProfileRepository profiles;
  private final ProfileModelRepository models;
  private final SecretBox box;
  private final ProviderConnections connections;
  private final Clock clock;

  ProfileService(
      ProviderProfileRepository profiles,
      ProfileModelRepository models,
      SecretBox box,
      ProviderConnections connections,
      Clock clock) {
    this.profiles = profiles;
    this.models = models;
    this.box = box;
    this.connections = connections;
    this.clock = clock;
  }

  @Transactional(readOnly = true)
  public ProviderProfile get(UUID id) {
    return profiles.findById(id).orElseThrow(() -> ProviderProblem.profileNotFound(id));
  }

  @Transactional(readOnly = true)
  public Optional<ProviderProfile> findByName(String name) {
    return profiles.findByNameIgnoreCase(name);
  }

  @Transactional(readOnly = true)
  Page<ProviderProfile> list(@Nullable ProviderKind provider, Pageable page) {
    return provider == null ? profiles.findAll(page) : profiles.findByProvider(provider, page);
  }

  @Transactional(readOnly = true)
  public List<ProfileModel> models(UUID profileId) {
    return models.findByProfileIdOrderByModel(profileId);
  }

  @Transactional
  public ProviderProfile create(CreateProfile request) {
    ProviderKind provider = provider(request.provider());
    requireFreeName(request.name(), null);
    Instant now = Instant.now(clock);
    ProviderProfile profile = new ProviderProfile(request.name().strip(), provider, now);
    profile.rename(request.name().strip(), blankToNull(request.description()), now);
    profile.connect(endpoint(request.endpoint(), provider), now);
    String key = blankToNull(request.apiKey());
    if (key == null && needsKey(provider)) {
      throw ApiException.invalidField("apiKey", "is required for " + provider.id());
    }
    sealKey(profile, key, now);
    ProfileOptions options = request.options() == null ? ProfileOptions.none() : request.options();
    profile.configure(
        blankToNull(request.defaultModel()),
        options.toJson(),
        blankToNull(request.systemPrompt()),
        request.enabled() == null || request.enabled(),
        now);
    profiles.saveAndFlush(profile);
    if (request.models() != null) {
      for (AddModel model : request.models()) {
        addModel(profile.getId(), model);
      }
    }
    return profile;
  }

  @Transactional
  public ProviderProfile update(UUID id, UpdateProfile request) {
    ProviderProfile profile = get(id);
    Instant now = Instant.now(clock);
    if (request.name() != null || request.description() != null) {
      String name = request.name() == null ? profile.getName() : request.name().strip();
      requireFreeName(name, id);
      profile.rename(
          name,
          request.description() == null
              ? profile.getDescription()
              : blankToNull(request.description()),
          now);
    }
    if (request.endpoint() != null) {
      profile.connect(endpoint(request.endpoint(), profile.getProvider()), now);
    }
    if (request.apiKey() != null) {
      String key = blankToNull(request.apiKey());
      if (key == null && needsKey(profile.getProvider())) {
        throw ApiException.invalidField("apiKey", "is required for " + profile.getProvider().id());
      }
      sealKey(profile, key, now);
    }
    ProfileOptions options =
        request.options() == null
            ? ProfileOptions.fromJson(profile.getOptions())
            : request.options();
    profile.configure(
        request.defaultModel() == null
            ? profile.getDefaultModel()
            : blankToNull(request.defaultModel()),
        options.toJson(),
        request.systemPrompt() == null
            ? profile.getSystemPrompt()
            : blankToNull(request.systemPrompt()),
        request.enabled() == null ? profile.isEnabled() : request.enabled(),
        now);
    return profiles.saveAndFlush(profile);
  }

  @Transactional
  public void delete(UUID id) {
    ProviderProfile profile = get(id);
    profiles.delete(profile);
    connections.forget(id);
  }

  @Transactional
  public ProfileModel addModel(UUID profileId, AddModel request) {
    get(profileId);
    String name = request.model().strip();
    if (models.findByProfileIdAndModel(profileId, name).isPresent()) {
      throw new ProviderProblem(
          HttpStatus.CONFLICT,
          ProviderProblem.MODEL_EXISTS,
          "The profile already offers " + name + "; change it with PATCH");
    }
    ProfileModel model = new ProfileModel(profileId, name, false, Instant.now(clock));
    model.describe(blankToNull(request.name()), Boolean.TRUE.equals(request.vision()));
    model.price(request.inputPricePerMillion(), request.outputPricePerMillion());
    return models.save(model);
  }

  @Transactional
  public ProfileModel updateModel(UUID profileId, String model, UpdateModel request) {
    ProfileModel row = model(profileId, model);
    row.describe(
        request.name() == null ? row.getDisplayName() : blankToNull(request.name()),
        request.vision() == null ? row.isVision() : request.vision());
    row.price(
        request.inputPricePerMillion() == null
            ? row.getInputPricePerMillion()
            : request.inputPricePerMillion(),
        request.outputPricePerMillion() == null
            ? row.getOutputPricePerMillion()
            : request.outputPricePerMillion());
    // an admin who prices a model wants it kept even if a sync no longer finds it
    row.pin();
    return models.save(row);
  }

  @Transactional
  public void removeModel(UUID profileId, String model) {
    models.delete(model(profileId, model));
  }

  private ProfileModel model(UUID profileId, String model) {
    get(profileId);
    return models
        .findByProfileIdAndModel(profileId, model)
        .orElseThrow(
            () ->
                new ProviderProblem(
                    HttpStatus.NOT_FOUND,
                    ProviderProblem.MODEL_NOT_FOUND,
                    "The profile does not offer " + model));
  }

  private void sealKey(ProviderProfile profile, @Nullable String key, Instant now) {
    if (key == null) {
      profile.replaceApiKey(null, null, now);
    } else {
      profile.replaceApiKey(
          box.encrypt(key), key.length() >= 12 ? key.substring(key.length() - 4) : null, now);
    }
  }

  private void requireFreeName(String name, @Nullable UUID self) {
    profiles
        .findByNameIgnoreCase(name.strip())
        .filter(other -> !other.getId().equals(self))
        .ifPresent(
            other -> {
              throw new ProviderProblem(
                  HttpStatus.CONFLICT,
                  ProviderProblem.PROFILE_NAME_TAKEN,
                  "A profile named " + other.getName() + " exists");
            });
  }

  static ProviderKind provider(String text) {
    return ProviderKind.parse(text)
        .orElseThrow(
            () ->
                ApiException.invalidField(
                    "provider", "must be one of ollama, openai, gemini, claude, comfyui"));
  }

  /**
   * An http(s) URL, or for Ollama the literal {@link FleetEndpoints#FLEET}: each call then goes to
   * an Ollama server of the fleet that has the model.
   */
  static @Nullable String endpoint(@Nullable String text, ProviderKind provider) {
    String url = blankToNull(text);
    if (url == null) {
      return null;
    }
    if (FleetEndpoints.isFleet(url)) {
      if (provider != ProviderKind.OLLAMA) {
        throw ApiException.invalidField(
            "endpoint", "'" + FleetEndpoints.FLEET + "' is for ollama profiles only");
      }
      return FleetEndpoints.FLEET;
    }
    try {
      URI uri = new URI(url);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw ApiException.invalidField("endpoint", "must be an http or https URL");
      }
      return url;
    } catch (URISyntaxException e) {
      throw ApiException.invalidField("endpoint", "must be an http or https URL");
    }
  }

  private static boolean needsKey(ProviderKind provider) {
    return provider == ProviderKind.OPENAI
        || provider == ProviderKind.CLAUDE
        || provider == ProviderKind.GEMINI;
  }

  static @Nullable String blankToNull(@Nullable String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }
}
