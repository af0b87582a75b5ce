package io.gpufleet.api.providers;

import io.gpufleet.persistence.providers.ProviderKind;
import io.gpufleet.persistence.providers.ProviderProfile;
import io.gpufleet.scheduler.secrets.SecretBox;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * One client per profile, built at run time from the profile's row and cached until the profile
 * changes (its version moves). Nothing here is an auto-configured, one-per-provider bean. An Ollama
 * profile whose endpoint is {@link FleetEndpoints#FLEET} has one client per fleet server it was
 * routed to, built the same way.
 */
@Component
public class ProviderConnections {

  private record Cached(long version, ProviderConnection connection) {}

  private final SecretBox box;
  private final EndpointResolver endpoints;
  private final ObjectProvider<FleetEndpoints> fleet;
  private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();
  private final Map<FleetKey, Cached> fleetCache = new ConcurrentHashMap<>();

  private record FleetKey(UUID profile, String url) {}

  ProviderConnections(
      SecretBox box,
      ObjectProvider<EndpointResolver> endpoints,
      ObjectProvider<FleetEndpoints> fleet) {
    this.box = box;
    this.endpoints = endpoints.getIfAvailable(() -> EndpointResolver.AS_STORED);
    this.fleet = fleet;
  }

  /**
   * The profile's connection, built once per version of the profile; for a fleet profile, one to
   * any healthy Ollama server of the fleet (tests, syncs).
   */
  public ProviderConnection of(ProviderProfile profile) {
    return forModel(profile, null);
  }

  /**
   * The connection a call of {@code model} takes: the profile's own, or for a fleet profile one to
   * the server the fleet picks for the model.
   *
   * @throws ProviderProblem {@code NO_SERVER_FOR_MODEL} (503) when no fleet server can take it
   */
  public ProviderConnection forModel(ProviderProfile profile, @Nullable String model) {
    if (isFleet(profile)) {
      String url = fleet.getIfAvailable(() -> FleetEndpoints.NONE).pick(model);
      return fleetCache
          .compute(
              new FleetKey(profile.getId(), url),
              (key, old) ->
                  old != null && old.version() == profile.getVersion()
                      ? old
                      : new Cached(profile.getVersion(), open(spec(profile, url))))
          .connection();
    }
    Cached cached =
        cache.compute(
            profile.getId(),
            (id, old) -> {
              if (old != null && old.version() == profile.getVersion()) {
                return old;
              }
              return new Cached(profile.getVersion(), open(spec(profile)));
            });
    return cached.connection();
  }

  /** An Ollama profile routed to the fleet's Ollama servers rather than one URL. */
  public static boolean isFleet(ProviderProfile profile) {
    return profile.getProvider() == ProviderKind.OLLAMA
        && FleetEndpoints.isFleet(profile.getEndpoint());
  }

  private ConnectionSpec spec(ProviderProfile profile, String url) {
    return new ConnectionSpec(
        profile.getProvider(),
        url,
        apiKey(profile),
        ProfileOptions.fromJson(profile.getOptions()).timeout());
  }

  /** The key in the clear, for the connection and for striking it from messages; never logged. */
  public @Nullable String apiKey(ProviderProfile profile) {
    String sealed = profile.getApiKeySealed();
    return sealed == null ? null : box.decrypt(sealed);
  }

  public ConnectionSpec spec(ProviderProfile profile) {
    return new ConnectionSpec(
        profile.getProvider(),
        profile.getEndpoint() == null ? null : endpoints.resolve(profile.getEndpoint()),
        apiKey(profile),
        ProfileOptions.fromJson(profile.getOptions()).timeout());
  }

  void forget(UUID profileId) {
    cache.remove(profileId);
    fleetCache.keySet().removeIf(key -> key.profile().equals(profileId));
  }

  /** A connection that is not cached: for testing settings before they are saved. */
  ProviderConnection open(ConnectionSpec given) {
    // settings tried before saving: a fleet endpoint is tried on any healthy fleet server
    ConnectionSpec stored =
        given.provider() == ProviderKind.OLLAMA && FleetEndpoints.isFleet(given.endpoint())
            ? new ConnectionSpec(
                given.provider(),
                fleet.getIfAvailable(() -> FleetEndpoints.NONE).pick(null),
                given.apiKey(),
                given.timeout())
            : given;
    ConnectionSpec spec =
        stored.endpoint() == null
            ? stored
            : new ConnectionSpec(
                stored.provider(),
                endpoints.resolve(stored.endpoint()),
                stored.apiKey(),
                stored.timeout());
    return switch (spec.provider()) {
      case OLLAMA -> new OllamaConnection(spec);
      case OPENAI -> new OpenAiConnection(spec);
      case CLAUDE -> new AnthropicConnection(spec);
      case GEMINI -> new GeminiConnection(spec);
      case COMFYUI -> new ComfyConnection(spec);
    };
  }
}
