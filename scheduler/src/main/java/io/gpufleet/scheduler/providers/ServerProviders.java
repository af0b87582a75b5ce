package io.gpufleet.scheduler.providers;

import io.gpufleet.persistence.servers.Server;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Every provider the application has, by name. */
@Component
public class ServerProviders {

  private final Map<String, ServerProvider> byName;

  public ServerProviders(List<ServerProvider> providers) {
    this.byName =
        providers.stream().collect(Collectors.toMap(ServerProvider::name, Function.identity()));
  }

  public Optional<ServerProvider> find(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public ServerProvider of(Server server) {
    ServerProvider provider = byName.get(server.getProvider());
    if (provider == null) {
      throw new ProviderException(
          ProviderException.Reason.UNSUPPORTED,
          "No provider '" + server.getProvider() + "' is configured",
          false);
    }
    return provider;
  }

  public List<ServerProvider> all() {
    return List.copyOf(byName.values());
  }
}
