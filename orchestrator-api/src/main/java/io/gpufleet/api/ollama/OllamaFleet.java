package io.gpufleet.api.ollama;

import io.gpufleet.api.ollama.OllamaModels.ServerModel;
import io.gpufleet.api.providers.FleetEndpoints;
import io.gpufleet.api.providers.ProviderProblem;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Picks the Ollama server of the fleet that takes a call of a model: among the healthy Ollama
 * servers that have the model (as their last probe saw), one that has it loaded now, so no one
 * waits for a load; among equals, the one picked least recently, so calls spread. The picks are
 * remembered per replica only: spreading needs no agreement between replicas.
 */
@Component
public class OllamaFleet implements FleetEndpoints {

  /** The server picked for a model and where it answers. */
  public record Pick(UUID serverId, String serverName, String url, boolean loaded) {}

  private final ServerRepository servers;
  private final OllamaModels models;
  private final OllamaProber prober;
  private final Clock clock;
  private final AtomicLong picks = new AtomicLong();
  private final Map<UUID, Long> lastPicked = new ConcurrentHashMap<>();

  OllamaFleet(ServerRepository servers, OllamaModels models, OllamaProber prober, Clock clock) {
    this.prober = prober;
    this.servers = servers;
    this.models = models;
    this.clock = clock;
  }

  @Override
  public String pick(@Nullable String model) {
    return choose(model).url();
  }

  /**
   * The server for {@code model} (any healthy one when null).
   *
   * @throws ProviderProblem {@code NO_SERVER_FOR_MODEL} (503) when no healthy server has it
   */
  public Pick choose(@Nullable String model) {
    List<Server> healthy =
        servers.findByStatusIn(List.of(ServerStatus.RUNNING)).stream()
            .filter(Server::isOllamaRoutable)
            .filter(prober::allowed)
            .toList();
    Map<UUID, Boolean> loaded = new HashMap<>();
    if (model == null) {
      healthy.forEach(s -> loaded.put(s.getId(), false));
    } else {
      Instant now = clock.instant();
      for (ServerModel m :
          models.named(names(model), healthy.stream().map(Server::getId).toList())) {
        boolean inMemory = m.loaded() && (m.expiresAt() == null || m.expiresAt().isAfter(now));
        loaded.merge(m.serverId(), inMemory, Boolean::logicalOr);
      }
    }
    Server chosen =
        healthy.stream()
            .filter(s -> loaded.containsKey(s.getId()))
            .min(
                Comparator.comparing((Server s) -> !loaded.get(s.getId()))
                    .thenComparing(s -> lastPicked.getOrDefault(s.getId(), 0L)))
            .orElseThrow(() -> noServer(model, healthy.size()));
    lastPicked.put(chosen.getId(), picks.incrementAndGet());
    return new Pick(
        chosen.getId(),
        chosen.getName(),
        Objects.requireNonNull(chosen.getAddresses().ollamaUrl()),
        loaded.get(chosen.getId()));
  }

  /** Ollama's {@code name} and {@code name:latest} are one model. */
  static Set<String> names(String model) {
    String name = model.strip();
    if (name.endsWith(":latest")) {
      return Set.of(name, name.substring(0, name.length() - ":latest".length()));
    }
    return name.contains(":") ? Set.of(name) : Set.of(name, name + ":latest");
  }

  private static ProviderProblem noServer(@Nullable String model, int healthy) {
    String detail =
        healthy == 0
            ? "No Ollama server of the fleet is running and healthy"
            : "None of the " + healthy + " healthy Ollama servers has the model " + model;
    return new ProviderProblem(HttpStatus.SERVICE_UNAVAILABLE, NO_SERVER_FOR_MODEL, detail)
        .with("model", model);
  }
}
