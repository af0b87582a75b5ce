package io.gpufleet.api.routing;

import io.gpufleet.comfy.ComfyClient;
import io.gpufleet.comfy.ComfyException;
import io.gpufleet.comfy.workflow.NodeDefinitions;
import io.gpufleet.persistence.servers.Server;
import io.gpufleet.persistence.servers.ServerRepository;
import io.gpufleet.persistence.servers.ServerStatus;
import io.gpufleet.scheduler.comfy.ComfyClients;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * What each server's ComfyUI can run: node classes (object_info) and model files (/models/…), read
 * over HTTP, cached per server for a while and refreshed on demand.
 */
@Component
public class ServerCapabilities {

  private static final Logger log = LoggerFactory.getLogger(ServerCapabilities.class);
  private static final Duration RETRY_UNKNOWN = Duration.ofSeconds(3);

  private final ComfyClients clients;
  private final ServerRepository servers;
  private final Duration ttl;
  private final Clock clock;
  private final Map<UUID, Entry> cache = new ConcurrentHashMap<>();

  ServerCapabilities(
      ComfyClients clients, ServerRepository servers, RoutingProperties settings, Clock clock) {
    this.clients = clients;
    this.servers = servers;
    this.ttl = settings.capabilitiesTtl();
    this.clock = clock;
  }

  /**
   * A server's node classes and models; {@code definitions} null when it could not be read. {@code
   * objectInfo} is its {@code /object_info} as sent (the ComfyUI-compatible endpoint merges them).
   */
  public record Capabilities(
      @Nullable NodeDefinitions definitions,
      Map<String, Set<String>> models,
      @Nullable JsonNode objectInfo) {
    public @Nullable Set<String> nodeClasses() {
      return definitions == null ? null : definitions.classTypes();
    }
  }

  private record Entry(Capabilities capabilities, Instant expires, String url) {}

  public Capabilities of(Server server) {
    String url = server.getAddresses().comfyUrl();
    if (url == null) {
      return new Capabilities(null, Map.of(), null);
    }
    Instant now = clock.instant();
    Entry entry = cache.get(server.getId());
    if (entry != null && entry.expires().isAfter(now) && entry.url().equals(url)) {
      return entry.capabilities();
    }
    Capabilities fresh = read(clients.forServer(server), server.getName());
    cache.put(
        server.getId(),
        new Entry(fresh, now.plus(fresh.definitions() == null ? RETRY_UNKNOWN : ttl), url));
    if (fresh.definitions() != null && entry == null) {
      anyRunning = null; // a server just read: "none running" may be over
    }
    return fresh;
  }

  /** Forget what is known of a server (a model was added, a run was refused for a model). */
  public void forget(UUID serverId) {
    cache.remove(serverId);
  }

  /** The node definitions of some running server, to convert a UI-format workflow with. */
  public Optional<NodeDefinitions> anyRunning() {
    AnyRunning last = anyRunning;
    long nanos = System.nanoTime();
    if (last != null && nanos - last.takenAt() < ANY_RUNNING_TTL.toNanos()) {
      return last.definitions();
    }
    if (last != null && !refreshing.compareAndSet(false, true)) {
      return last.definitions(); // another thread reads it anew; the old answer serves meanwhile
    }
    try {
      return anyRunningNow();
    } finally {
      refreshing.set(false);
    }
  }

  /** As {@link #anyRunning}, read now (before refusing anything on the strength of it). */
  public Optional<NodeDefinitions> anyRunningNow() {
    Optional<NodeDefinitions> found = findAnyRunning();
    // "none" is kept too (it is the answer at every submit while no server runs, and a query
    // each): a server whose capabilities are read for the first time drops it at once
    anyRunning = new AnyRunning(found, System.nanoTime());
    return found;
  }

  /** {@link #anyRunning} is asked at every submit; a second-old answer is as good. */
  private static final Duration ANY_RUNNING_TTL = Duration.ofSeconds(1);

  private record AnyRunning(Optional<NodeDefinitions> definitions, long takenAt) {}

  private volatile @Nullable AnyRunning anyRunning;

  /** One thread at a time reads {@link #anyRunning} anew; the others use the old answer. */
  private final AtomicBoolean refreshing = new AtomicBoolean();

  private Optional<NodeDefinitions> findAnyRunning() {
    for (Server server : servers.findByStatusIn(List.of(ServerStatus.RUNNING))) {
      if (server.getAddresses().comfyUrl() != null) {
        NodeDefinitions defs = of(server).definitions();
        if (defs != null) {
          return Optional.of(defs);
        }
      }
    }
    return Optional.empty();
  }

  private static Capabilities read(ComfyClient client, String name) {
    try {
      JsonNode objectInfo = client.objectInfoJson();
      NodeDefinitions defs = NodeDefinitions.parse(objectInfo);
      Map<String, Set<String>> models = new HashMap<>();
      for (String folder : client.modelFolders()) {
        try {
          models.put(folder, Set.copyOf(new HashSet<>(client.models(folder))));
        } catch (ComfyException.ApiError e) {
          // a folder listed but not served: nothing in it counts
        }
      }
      return new Capabilities(defs, Map.copyOf(models), objectInfo);
    } catch (ComfyException e) {
      log.info("Could not read what server {} can run: {}", name, e.getMessage());
      return new Capabilities(null, Map.of(), null);
    }
  }
}
