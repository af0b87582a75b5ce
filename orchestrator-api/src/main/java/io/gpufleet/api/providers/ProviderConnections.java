package io.gpufleet.api.providers;

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
 * changes (its version moves). Nothing here is an auto-configured, one-per-provider bean.
 */
@Component
public class ProviderConnections {

  private record Cached(long version, ProviderConnection connection) {}

  private final SecretBox box;
  private final EndpointResolver endpoints;
  private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

  ProviderConnections(SecretBox box, ObjectProvider<EndpointResolver> endpoints) {
    this.box = box;
    this.endpoints = endpoints.getIfAvailable(() -> EndpointResolver.AS_STORED);
  }

  /** The profile's connection, built once per version of the profile. */
  public ProviderConnection of(ProviderProfile profile) {
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
  }

  /** A connection that is not cached: for testing settings before they are saved. */
  ProviderConnection open(ConnectionSpec stored) {
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
